#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""tls_servers.py — stand-ins for the outer layer of a CloudHSM connection,
for `configure-pkcs11 check`: TLS listeners on loopback that behave like the
host of an HSM on port 2223, as AWS documents it.

What a real host does, and where that is said:
  * It presents AWS's self-signed certificate with the subject
    C=US, ST=Virginia, L=Herndon, O=AWS, OU=AWS Cryptography, CN=CloudHSM,
    which the client library trusts through a CA bundled inside it (AWS
    knowledge-center article "cloudhsm-certificate-encrypted"; the user
    guide's "client end-to-end encryption").
  * It asks for a client certificate, and accepts the SDK's bundled default
    or one the cluster's customer CA issued: the server-client pair,
    client_cert_path/client_key_path (the user guide's "Set up mutual TLS
    between client and AWS CloudHSM" and a public measurement on an hsm2m
    cluster).

What this peer cannot do, and does not pretend to:
  * We do not have the SDK's default client certificate, so a client that
    presents none is refused; in TLS 1.3 that refusal comes as an alert
    after the client's side of the handshake is done.
  * The HSM session inside (the cluster certificate that hsm_ca_file
    verifies, the HSM-TLS pair) has no public protocol: no listener here
    speaks it.

Listeners (ports in --info JSON, with the files the tests use):
  host     the real-like host above, TLS 1.3 (OpenSSL's default)
  host12   the same, at most TLS 1.2 (a refusal comes inside the handshake)
  proxy    a TLS server with a certificate of another subject that asks for
           no client certificate (a TLS-terminating proxy in the way)
  closed   a port nothing listens on
  silent   a port that accepts connections and never answers (a timeout)
  watched  six ports that accept connections, read the ClientHello and never
           answer; the most connections open at once across the six is kept
           in the file watched_max (to prove probes overlap)
Files: customer_ca (the cluster's customer CA: hsm_ca_file, and the issuer
the host accepts), other_ca (another CA), client_cert/client_key (a pair the
customer CA issued), other_client_cert/other_client_key (a pair the other CA
issued).

Runs until stdin closes.
"""
import argparse
import datetime
import json
import os
import selectors
import socket
import ssl
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_peer import make_cert, pem  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

AWS_HOST_SUBJECT = [(NameOID.COUNTRY_NAME, "US"),
                    (NameOID.STATE_OR_PROVINCE_NAME, "Virginia"),
                    (NameOID.LOCALITY_NAME, "Herndon"),
                    (NameOID.ORGANIZATION_NAME, "AWS"),
                    (NameOID.ORGANIZATIONAL_UNIT_NAME, "AWS Cryptography"),
                    (NameOID.COMMON_NAME, "CloudHSM")]


def self_signed(subject):
    """A self-signed leaf with the given subject (a list of (oid, value))."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(o, v) for o, v in subject])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return cert, key


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def serve(ctx):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)

    def one(conn):
        try:
            conn.settimeout(5)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                tls.recv(1)  # until the client closes
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def loop():
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=one, args=(conn,), daemon=True).start()

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

    customer = make_cert("Customer CA", is_ca=True)
    other = make_cert("Other CA", is_ca=True)
    info = {"customer_ca": write(os.path.join(d, "customerCA.crt"), pem(customer[0])),
            "other_ca": write(os.path.join(d, "otherCA.crt"), pem(other[0]))}
    for name, issuer in (("client", customer), ("other_client", other)):
        leaf = make_cert(name.replace("_", " "), issuer=issuer)
        info[name + "_cert"] = write(os.path.join(d, name + ".crt"), pem(leaf[0]))
        info[name + "_key"] = write(os.path.join(d, name + ".key"), key_pem(leaf[1]), 0o600)

    def context(subject, ask_client, max_version=None):
        cert, key = self_signed(subject)
        path = write(os.path.join(d, "host-%d.pem" % len(os.listdir(d))),
                     pem(cert) + key_pem(key), 0o600)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(path)
        if max_version:
            ctx.maximum_version = max_version
        if ask_client:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(info["customer_ca"])
        return ctx

    info["host"] = serve(context(AWS_HOST_SUBJECT, True))
    info["host12"] = serve(context(AWS_HOST_SUBJECT, True, ssl.TLSVersion.TLSv1_2))
    info["proxy"] = serve(context([(NameOID.COMMON_NAME, "proxy.example")], False))
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
