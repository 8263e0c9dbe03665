#!/usr/bin/env python3
"""Loopback test server for revocation data (Python standard library only).

Binds 127.0.0.1 only (never all interfaces) and serves, for the test PKI:
  GET  /crl/NAME.crl  -> DATA/crl/NAME.crl if present, else PKI/NAME.crl.der
  GET  /crt/NAME.crt  -> PKI/NAME.der (AIA caIssuers)
  POST /ocsp          -> the DER OCSPResponse of
                         `openssl ocsp -index INDEX -rsigner ocsp.pem -rkey ocsp.key.pem -CA ca-g2.pem
                          -reqin REQ -respout RESP`, one openssl process per request.
Every request is logged to stderr. The server exits by itself after --lifetime seconds, so a
test run that dies cannot leave it behind.

usage: server.py --pki DIR --data DIR --index FILE [--port 18080] [--lifetime 600]
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
        if self.path != "/ocsp":
            return self.reply(404, b"not found\n", "text/plain")
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_REQUEST:
            return self.reply(400, b"bad request\n", "text/plain")
        body = self.rfile.read(length)
        with tempfile.TemporaryDirectory() as tmp:
            req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
            with open(req, "wb") as f:
                f.write(body)
            p = os.path.join
            cmd = ["openssl", "ocsp", "-index", ARGS.index,
                   "-rsigner", p(ARGS.pki, "ocsp.pem"), "-rkey", p(ARGS.pki, "ocsp.key.pem"),
                   "-CA", p(ARGS.pki, "ca-g2.pem"), "-reqin", req, "-respout", resp]
            r = subprocess.run(cmd, capture_output=True, timeout=30)
            if r.returncode != 0 or not os.path.isfile(resp):
                sys.stderr.write(r.stderr.decode(errors="replace"))
                return self.reply(500, b"responder failed\n", "text/plain")
            with open(resp, "rb") as f:
                return self.reply(200, f.read(), "application/ocsp-response")

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
    ARGS = ap.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    timer = threading.Timer(ARGS.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    sys.stderr.write("revocation-server: listening on http://127.0.0.1:%d\n" % ARGS.port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
