#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tls_servers.py — stand-ins for HSM servers, for `configure-pkcs11 check`:
TLS listeners on loopback that complete a handshake and close.

  good    a certificate signed by the test CA (ca.crt)
  other   a certificate signed by another CA
  mtls    signed by the test CA, and requires a client certificate the test
          CA signed (client.crt / client.key are written for it)
  closed  a port nothing listens on
  silent  a port that accepts connections and never answers (a timeout)
  watched six ports that accept connections, read the ClientHello and never
          answer; the most connections open at once across the six is kept
          in the file watched_max (to prove probes overlap)

Writes --info JSON with the ports and file paths; runs until stdin closes.
"""
import argparse
import json
import os
import selectors
import socket
import ssl
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_peer import make_cert, pem  # noqa: E402

from cryptography.hazmat.primitives import serialization  # noqa: E402


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def serve(ctx):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)

    def loop():
        while True:
            conn, _ = sock.accept()
            try:
                conn.settimeout(5)
                with ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)  # until the client closes
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


def watch(n, max_file):
    """n silent listeners on one selector thread; counts open connections."""
    sel = selectors.DefaultSelector()
    ports = []
    for _ in range(n):
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", 0))
        ls.listen(16)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, "listen")
        ports.append(ls.getsockname()[1])
    state = {"open": 0, "max": 0}
    write(max_file, "0")

    def loop():
        while True:
            for key, _ in sel.select():
                if key.data == "listen":
                    conn, _ = key.fileobj.accept()
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ, "conn")
                    state["open"] += 1
                    if state["open"] > state["max"]:
                        state["max"] = state["open"]
                        write(max_file + ".tmp", str(state["max"]))
                        os.rename(max_file + ".tmp", max_file)
                    continue
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    data = b""
                if not data:  # the client gave up
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    state["open"] -= 1

    threading.Thread(target=loop, daemon=True).start()
    return ports, max_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--info", required=True)
    ap.add_argument("--dir", required=True)
    args = ap.parse_args()
    d = args.dir

    ca = make_cert("HSM Test CA", is_ca=True)
    other = make_cert("Other HSM CA", is_ca=True)
    info = {"ca": write(os.path.join(d, "hsm-ca.crt"), pem(ca[0])),
            "other_ca": write(os.path.join(d, "hsm-other-ca.crt"), pem(other[0]))}
    client = make_cert("HSM client", issuer=ca)
    info["client_cert"] = write(os.path.join(d, "client.crt"), pem(client[0]))
    info["client_key"] = write(os.path.join(d, "client.key"), key_pem(client[1]))

    def context(issuer, name, require_client=False):
        leaf = make_cert(name, issuer=issuer)
        path = write(os.path.join(d, name.replace(" ", "-") + ".pem"),
                     pem(leaf[0]) + key_pem(leaf[1]))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(path)
        if require_client:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(info["ca"])
        return ctx

    info["good"] = serve(context(ca, "hsm good"))
    info["other"] = serve(context(other, "hsm other"))
    info["mtls"] = serve(context(ca, "hsm mtls", require_client=True))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    info["closed"] = s.getsockname()[1]
    s.close()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # the kernel completes the TCP handshake; no TLS follows
    info["silent"] = silent.getsockname()[1]

    info["watched"], info["watched_max"] = watch(6, os.path.join(d, "watched_max"))

    tmp = args.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.rename(tmp, args.info)
    sys.stdin.read()


if __name__ == "__main__":
    main()
