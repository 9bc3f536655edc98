#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fault_server.py — a loopback DescribeClusters endpoint that misbehaves on
purpose, to prove retries, timeouts, the size cap, clock-skew correction, TLS
with a private CA and the error messages.

What it does for a request is read from the request's path: the endpoint is
given as http://127.0.0.1:PORT/<name>/<mode>,<mode>,... and the n-th request
to that path gets the n-th mode (the last one repeats). Each test uses its own
<name>, so counters never mix. Modes:

  ok         200, a DescribeClusters answer for cluster-fau7tsrvrab
  throttle   400 ThrottlingException          e500    500 InternalFailure
  e503html   503 with an HTML page (a proxy)  html    200 with an HTML page
  slow       waits 5 s, then ok               reset   closes the connection
  huge       200 with 8 MiB of JSON           garbage 200 with broken JSON
  wrongtype  200 with "Clusters" an object    skew    the server's clock is one
             hour ahead: a request signed more than 5 minutes away from it gets
             InvalidSignatureException "Signature expired", else ok
  creds      container credentials (checks the Authorization header)
  sts        an STS answer (AssumeRole or AssumeRoleWithWebIdentity) with
             the --creds keys
  sso        the IAM Identity Center portal's GetRoleCredentials (the path
             ends /federation/credentials): checks the bearer token against
             --sso-token and the role against --sso-role, answers the --creds
             keys with a session token
  creating   the cluster is CREATE_IN_PROGRESS, no HSM yet
  nohsm      the cluster is ACTIVE, its HSM CREATE_IN_PROGRESS
  nohsms     the cluster is ACTIVE with no HSM at all (they were deleted to
             save cost; AWS's own sample takes it as "nothing to update")
  deleted    the cluster is DELETED
  uninit     the cluster is UNINITIALIZED, no HSM yet
  initialized  the cluster is INITIALIZED (not yet activated), its HSM ACTIVE

Every request is logged to <dir>/requests.log as "<path> <mode> <x-amz-date>".
Runs until stdin closes; writes --info JSON (port, endpoint, ca, api_ca).
"""
import argparse
import datetime
import email.utils
import http.server
import ipaddress
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from moto_peer import make_cert, pem  # noqa: E402  (same certificate helper)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

CLUSTER = "cluster-fau7tsrvrab"
SKEW = 3600


def answer(cluster_pem, state="ACTIVE", hsm_state="ACTIVE", no_hsms=False):
    hsms = [] if no_hsms or state in ("CREATE_IN_PROGRESS", "UNINITIALIZED") else [
        {"HsmId": "hsm-faultsrvr01", "State": hsm_state,
         "EniIp": "10.9.0.1", "AvailabilityZone": "us-east-1a"}]
    return json.dumps({"Clusters": [{
        "ClusterId": CLUSTER, "State": state, "HsmType": "hsm2m.medium",
        "NetworkType": "IPV4", "Certificates": {"ClusterCertificate": cluster_pem},
        "Hsms": hsms}]}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body in separate writes:
    # without this, Nagle and delayed ACKs add 40 ms to every answer
    counters = {}
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/x-amz-json-1.1", date=None, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "fault-%d" % time.monotonic_ns())
        if date is not None:
            self.send_header("Date", email.utils.formatdate(date, usegmt=True))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, msg, **kw):
        self.send(status, json.dumps({"__type": code, "message": msg}).encode(), **kw)

    def do_GET(self):
        self.do_POST()

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        path = self.path.split("?")[0].rstrip("/")  # SDKs may add a "/"
        path = path.removesuffix("/federation/credentials")  # the SSO portal's
        modes = path.rsplit("/", 1)[-1].split(",")
        with self.lock:
            i = self.counters.get(path, 0)
            self.counters[path] = i + 1
        mode = modes[min(i, len(modes) - 1)]
        amz_date = self.headers.get("X-Amz-Date", "-")
        with open(self.server.log_path, "a") as f:
            f.write(f"{path} {mode} {amz_date}\n")
        getattr(self, "m_" + mode, self.m_unknown)()

    def m_unknown(self):
        self.error(400, "UnknownMode", "no such mode")

    def m_ok(self, date=None):
        self.send(200, self.server.answer, date=time.time() if date is None else date)

    def m_creating(self):
        self.send(200, answer(self.server.cluster_pem, state="CREATE_IN_PROGRESS"))

    def m_nohsm(self):
        self.send(200, answer(self.server.cluster_pem, hsm_state="CREATE_IN_PROGRESS"))

    def m_nohsms(self):
        self.send(200, answer(self.server.cluster_pem, no_hsms=True))

    def m_deleted(self):
        self.send(200, answer(self.server.cluster_pem, state="DELETED"))

    def m_uninit(self):
        self.send(200, answer(self.server.cluster_pem, state="UNINITIALIZED"))

    def m_initialized(self):
        self.send(200, answer(self.server.cluster_pem, state="INITIALIZED"))

    def m_throttle(self):
        self.error(400, "ThrottlingException", "Rate exceeded", date=time.time())

    def m_e500(self):
        self.error(500, "InternalFailure", "We encountered an internal error")

    def m_e503html(self):
        self.send(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>",
                  ctype="text/html")

    def m_html(self):
        self.send(200, b"<!DOCTYPE html><html><body>Please log in to the proxy</body></html>",
                  ctype="text/html")

    def m_slow(self):
        time.sleep(5)
        self.m_ok()

    def m_reset(self):
        self.close_connection = True
        self.connection.shutdown(2)

    def m_huge(self):
        self.send(200, b'{"Clusters":[],"Pad":"' + b"x" * (8 << 20) + b'"}')

    def m_garbage(self):
        self.send(200, b'{"Clusters":[{"ClusterId": ')

    def m_wrongtype(self):
        self.send(200, b'{"Clusters":{"ClusterId":"cluster-fau7tsrvrab"}}')

    def m_skew(self):
        server_now = time.time() + SKEW
        try:
            signed = datetime.datetime.strptime(self.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
            signed = signed.replace(tzinfo=datetime.timezone.utc).timestamp()
        except (KeyError, TypeError, ValueError):
            signed = 0
        if abs(signed - server_now) > 300:
            self.error(400, "InvalidSignatureException",
                       "Signature expired: %s is now earlier than %s (5 min)" % (
                           self.headers.get("X-Amz-Date"),
                           time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(server_now))),
                       date=server_now)
        else:
            self.m_ok(date=server_now)

    def m_creds(self):
        if self.headers.get("Authorization") != self.server.token:
            return self.error(401, "Unauthorized", "bad token")
        exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        self.send(200, json.dumps({
            "AccessKeyId": self.server.creds[0], "SecretAccessKey": self.server.creds[1],
            "Token": "", "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}).encode(),
            ctype="application/json")


    def m_sts(self):
        c = self.server.creds
        self.send(200, (
            '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            '<AssumeRoleResult><Credentials>'
            f'<AccessKeyId>{c[0]}</AccessKeyId><SecretAccessKey>{c[1]}</SecretAccessKey>'
            '<SessionToken></SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>'
            '</Credentials></AssumeRoleResult></AssumeRoleResponse>').encode(),
            ctype="text/xml")

    def m_sso(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if self.headers.get("x-amz-sso_bearer_token") != self.server.sso_token:
            return self.error(401, "UnauthorizedException", "Session token not found or invalid")
        if q.get("role_name") != [self.server.sso_role[1]] or \
                q.get("account_id") != [self.server.sso_role[0]]:
            return self.error(403, "ForbiddenException", "No access")
        self.send(200, json.dumps({"roleCredentials": {
            "accessKeyId": self.server.creds[0], "secretAccessKey": self.server.creds[1],
            "sessionToken": "", "expiration": int(time.time() + 3600) * 1000}}).encode(),
            ctype="application/json")


def write_pem(path, data):
    with open(path, "w") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--info", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls", action="store_true", help="serve HTTPS with a private CA")
    ap.add_argument("--creds", default="AKIAFAULT:fault-secret", help="KEY:SECRET for mode creds")
    ap.add_argument("--token", default="Bearer fault-token", help="Authorization for mode creds")
    ap.add_argument("--sso-token", default="sso-cached-token", help="bearer token for mode sso")
    ap.add_argument("--sso-role", default="111122223333:HsmAdmin", help="ACCOUNT:ROLE for mode sso")
    args = ap.parse_args()

    ca = make_cert("Fault CA", is_ca=True)
    cluster = make_cert("Fault cluster", issuer=ca)
    write_pem(os.path.join(args.dir, "fault-ca.crt"), pem(ca[0]))

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.cluster_pem = pem(cluster[0])
    srv.answer = answer(srv.cluster_pem)
    srv.log_path = os.path.join(args.dir, "requests.log")
    srv.creds = args.creds.split(":", 1)
    srv.token = args.token
    srv.sso_token = args.sso_token
    srv.sso_role = args.sso_role.split(":", 1)
    scheme = "http"
    info = {"ca": os.path.join(args.dir, "fault-ca.crt")}
    if args.tls:
        api_ca = make_cert("Private API CA", is_ca=True)
        leaf, key = make_cert("127.0.0.1", issuer=api_ca)
        # a server certificate that names 127.0.0.1, signed by the private CA
        leaf = (x509.CertificateBuilder().subject_name(leaf.subject).issuer_name(leaf.issuer)
                .public_key(leaf.public_key()).serial_number(leaf.serial_number)
                .not_valid_before(leaf.not_valid_before_utc)
                .not_valid_after(leaf.not_valid_after_utc)
                .add_extension(x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .sign(api_ca[1], leaf.signature_hash_algorithm))
        cert_path = os.path.join(args.dir, "api-server.pem")
        write_pem(cert_path, pem(leaf) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode())
        write_pem(os.path.join(args.dir, "api-ca.crt"), pem(api_ca[0]))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
        scheme = "https"
        info["api_ca"] = os.path.join(args.dir, "api-ca.crt")
    port = srv.server_address[1]
    info.update(port=port, endpoint=f"{scheme}://127.0.0.1:{port}")
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = args.info + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f)
    os.rename(tmp, args.info)
    sys.stdin.read()
    srv.shutdown()


if __name__ == "__main__":
    main()
