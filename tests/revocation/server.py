#!/usr/bin/env python3
"""Loopback test server for revocation data (Python standard library only).

Binds 127.0.0.1 only (never all interfaces) and serves, for the test PKI:
  GET  /crl/NAME.crl  -> DATA/crl/NAME.crl if present, else PKI/NAME.crl.der
  GET  /crt/NAME.crt  -> PKI/NAME.der (AIA caIssuers)
  POST /ocsp          -> the DER OCSPResponse of
                         `openssl ocsp -index INDEX -rsigner ocsp.pem -rkey ocsp.key.pem -CA ca-g2.pem
                          -reqin REQ -respout RESP`, one openssl process per request.
  POST /tsa           -> an RFC 3161 TimeStampResp (application/timestamp-reply) of
                         `openssl ts -reply -config TSA_CONFIG -queryfile Q -signer tsa.pem
                          -inkey tsa.key.pem -chain tsa.chain.pem -out R`, one openssl process per
                         request; the serial file is DATA/tsaserial (created with "01"), so
                         serials keep increasing across requests.
Every request is logged to stderr. The server exits by itself after --lifetime seconds, so a
test run that dies cannot leave it behind.

usage: server.py --pki DIR --data DIR --index FILE [--port 18080] [--lifetime 600]
                 [--tsa-config FILE (default tests/ltv/tsa.cnf)]
"""
import argparse
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading

ARGS = None
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TSA_LOCK = threading.Lock()
NAME = re.compile(r"^/(crl|crt)/([A-Za-z0-9_.-]+)\.(crl|crt)$")
MAX_REQUEST = 64 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", ctype="application/octet-stream"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        m = NAME.match(self.path)
        if not m or m.group(1) != m.group(3):
            return self.reply(404, b"not found\n", "text/plain")
        kind, name = m.group(1), m.group(2)
        if kind == "crl":
            candidates = [os.path.join(ARGS.data, "crl", name + ".crl"),
                          os.path.join(ARGS.pki, name + ".crl.der")]
            ctype = "application/pkix-crl"
        else:
            candidates = [os.path.join(ARGS.pki, name + ".der")]
            ctype = "application/pkix-cert"
        for path in candidates:
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    return self.reply(200, f.read(), ctype)
        return self.reply(404, b"not found\n", "text/plain")

    def do_POST(self):
        if self.path == "/ocsp":
            return self.ocsp()
        if self.path == "/tsa":
            return self.tsa()
        return self.reply(404, b"not found\n", "text/plain")

    def read_body(self):
        """The request body, or None (after a 400 reply) when absent or over MAX_REQUEST."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length <= 0 or length > MAX_REQUEST:
            self.reply(400, b"bad request\n", "text/plain")
            return None
        return self.rfile.read(length)

    def run_openssl(self, body, cmd_for, ctype, env=None, lock=None):
        """Write body to a temp file, run cmd_for(req, resp), reply with resp as ctype."""
        with tempfile.TemporaryDirectory() as tmp:
            req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
            with open(req, "wb") as f:
                f.write(body)
            cmd = cmd_for(req, resp)
            if lock is not None:
                with lock:
                    r = subprocess.run(cmd, capture_output=True, timeout=30, env=env)
            else:
                r = subprocess.run(cmd, capture_output=True, timeout=30, env=env)
            if r.returncode != 0 or not os.path.isfile(resp):
                sys.stderr.write(r.stderr.decode(errors="replace"))
                return self.reply(500, b"responder failed\n", "text/plain")
            with open(resp, "rb") as f:
                return self.reply(200, f.read(), ctype)

    def ocsp(self):
        body = self.read_body()
        if body is None:
            return None
        p = os.path.join
        return self.run_openssl(
            body,
            lambda req, resp: ["openssl", "ocsp", "-index", ARGS.index,
                               "-rsigner", p(ARGS.pki, "ocsp.pem"),
                               "-rkey", p(ARGS.pki, "ocsp.key.pem"),
                               "-CA", p(ARGS.pki, "ca-g2.pem"), "-reqin", req, "-respout", resp],
            "application/ocsp-response")

    def tsa(self):
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/timestamp-query":
            return self.reply(415, b"expected application/timestamp-query\n", "text/plain")
        body = self.read_body()
        if body is None:
            return None
        p = os.path.join
        env = dict(os.environ, KYSO_TSA_SERIAL=p(ARGS.data, "tsaserial"))
        # A rejection (unknown policy or digest) is still a TimeStampResp: openssl writes it
        # and exits 0. One openssl at a time, so that the serial file is not raced.
        return self.run_openssl(
            body,
            lambda req, resp: ["openssl", "ts", "-reply", "-config", ARGS.tsa_config,
                               "-queryfile", req,
                               "-signer", p(ARGS.pki, "tsa.pem"),
                               "-inkey", p(ARGS.pki, "tsa.key.pem"),
                               "-chain", p(ARGS.pki, "tsa.chain.pem"), "-out", resp],
            "application/timestamp-reply", env=env, lock=TSA_LOCK)

    def log_message(self, fmt, *args):
        sys.stderr.write("revocation-server: " + (fmt % args) + "\n")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--pki", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--lifetime", type=int, default=600)
    ap.add_argument("--tsa-config", default=os.path.join(REPO, "tests", "ltv", "tsa.cnf"),
                    help="openssl ts configuration of POST /tsa (default: tests/ltv/tsa.cnf)")
    ARGS = ap.parse_args()
    ARGS.tsa_config = os.path.abspath(ARGS.tsa_config)
    serial = os.path.join(ARGS.data, "tsaserial")
    if not os.path.isfile(serial):
        os.makedirs(ARGS.data, exist_ok=True)
        with open(serial, "w") as f:
            f.write("01\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    timer = threading.Timer(ARGS.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    sys.stderr.write("revocation-server: listening on http://127.0.0.1:%d\n" % ARGS.port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
