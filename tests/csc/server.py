#!/usr/bin/env python3
"""Loopback CSC (Cloud Signature Consortium API v1.0.4 / v2) test server.

Standard library + `cryptography` (pinned in tests/requirements.txt). Binds 127.0.0.1 only, on
the port given (0: a free one); prints "listening 127.0.0.1:PORT" on stdout (and writes PORT to
--port-file) once it accepts connections. Exits by itself after --lifetime seconds.

Serves the same API under /csc/v1/ and /csc/v2/ (requests are read leniently: `hash` or
`hashes`, `hashAlgo` or `hashAlgorithmOID`): info, oauth2/token (client credentials),
credentials/list, credentials/info, credentials/authorize, signatures/signHash,
signatures/signPolling. Credentials are test-PKI signers: credential ID = NAME, key
PKI/NAME.key.pem, chain PKI/NAME.fullchain.pem.

Modes (flags):
  --pin PIN            PIN credentials/authorize requires (default 1234)
  --otp OTP            also require this OTP
  --token TOKEN        the bearer token every call except info/oauth2 needs (default test-token)
  --client-id/--client-secret   oauth2/token issues TOKEN for these client credentials
  --expired-token      every authenticated call answers 401 invalid_token (expired)
  --confirm-after N    asynchronous signHash: the user "confirms" at the N-th poll (default 2)
  --decline            asynchronous signHash: the user declines at the N-th poll
  --wrong-hash         signatures are made over another hash than the one sent
  --multisign N        numSignatures allowed per authorization (default 10)
  --advertise-multisign N   the multisign credentials/info states (default: --multisign), to
                       check that the server's own refusal is typed too
  --raw-ecdsa          ECDSA signatures as raw r || s (IEEE P1363), as some services send them
  --tls-cert/--tls-key serve HTTPS with this certificate chain and key (PEM)
  --require-async      refuse synchronous signHash (like services where the user confirms on a phone)
Every request is logged to stderr (method and path, never bodies: they hold PINs and SADs).
The log of calls (method, numSignatures, hash count) is appended to --calls FILE if given.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import secrets
import socketserver
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ARGS = None
CREDS = {}
SADS = {}
PENDING = {}
LOCK = threading.Lock()
MAX_REQUEST = 1024 * 1024
HASHES = {"2.16.840.1.101.3.4.2.1": hashes.SHA256(), "2.16.840.1.101.3.4.2.2": hashes.SHA384(),
          "2.16.840.1.101.3.4.2.3": hashes.SHA512()}


def load_credentials(pki, names):
    for name in names:
        with open(os.path.join(pki, name + ".key.pem"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), None)
        with open(os.path.join(pki, name + ".fullchain.pem"), "rb") as f:
            chain = x509.load_pem_x509_certificates(f.read())
        CREDS[name] = (key, chain)


def sign(key, digest, hash_alg):
    if ARGS.wrong_hash:
        h = hashlib.new(hash_alg.name, b"another document" + digest).digest()
        digest = h
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hash_alg))
    der = key.sign(digest, ec.ECDSA(utils.Prehashed(hash_alg)))
    if not ARGS.raw_ecdsa:
        return der
    r, s = utils.decode_dss_signature(der)
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


class Fail(Exception):
    def __init__(self, status, error, description=""):
        super().__init__(error)
        self.status, self.error, self.description = status, error, description


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("csc-server: %s\n" % (fmt % args))

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def do_GET(self):
        self.reply(405, {"error": "invalid_request", "error_description": "POST only"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST:
            return self.reply(413, {"error": "invalid_request", "error_description": "too large"})
        raw = self.rfile.read(length)
        parts = self.path.strip("/").split("/", 2)
        if len(parts) < 3 or parts[0] != "csc" or parts[1] not in ("v1", "v2"):
            return self.reply(404, {"error": "not_found"})
        method = parts[2]
        try:
            if method == "oauth2/token":
                return self.reply(200, self.oauth2(raw))
            req = json.loads(raw or b"{}")
            if method != "info":
                self.authenticate()
            handler = {
                "info": self.info,
                "credentials/list": self.list,
                "credentials/info": self.cred_info,
                "credentials/authorize": self.authorize,
                "signatures/signHash": self.sign_hash,
                "signatures/signPolling": self.poll,
            }.get(method)
            if handler is None:
                raise Fail(404, "invalid_request", "unknown method " + method)
            status, obj = handler(req)
            return self.reply(status, obj)
        except Fail as f:
            return self.reply(f.status, {"error": f.error, "error_description": f.description})
        except (ValueError, KeyError, TypeError) as e:
            return self.reply(400, {"error": "invalid_request", "error_description": str(e)[:200]})

    def record(self, what):
        if ARGS.calls:
            with LOCK, open(ARGS.calls, "a") as f:
                f.write(json.dumps(what) + "\n")

    def authenticate(self):
        auth = self.headers.get("Authorization", "")
        if ARGS.expired_token:
            raise Fail(401, "invalid_token", "The access token expired")
        if auth != "Bearer " + ARGS.token:
            raise Fail(401, "invalid_token", "Missing or invalid access token")

    def oauth2(self, raw):
        ctype = self.headers.get("Content-Type", "")
        if "json" in ctype:
            form = json.loads(raw or b"{}")
        else:
            from urllib.parse import parse_qs
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if (form.get("grant_type") != "client_credentials" or not ARGS.client_id
                or form.get("client_id") != ARGS.client_id
                or form.get("client_secret") != ARGS.client_secret):
            raise Fail(400, "invalid_client", "Bad client credentials")
        self.record({"method": "oauth2/token"})
        return {"access_token": ARGS.token, "token_type": "Bearer", "expires_in": 3600}

    def info(self, req):
        v = "2.0.0.2" if "/v2/" in self.path else "1.0.4.0"
        return 200, {"specs": v, "name": "kyso loopback CSC", "lang": "vi-VN",
                     "authType": ["oauth2client"],
                     "methods": ["credentials/list", "credentials/info", "credentials/authorize",
                                 "signatures/signHash", "signatures/signPolling"]}

    def list(self, req):
        return 200, {"credentialIDs": sorted(CREDS)}

    def cred_info(self, req):
        cid = req.get("credentialID")
        if cid not in CREDS:
            raise Fail(400, "invalid_request", "Invalid parameter credentialID")
        key, chain = CREDS[cid]
        certs = chain if req.get("certificates") == "chain" else chain[:1]
        if isinstance(key, rsa.RSAPrivateKey):
            algo, length = ["1.2.840.113549.1.1.1"], key.key_size
        else:
            algo, length = ["1.2.840.10045.2.1"], key.curve.key_size
        return 200, {
            "key": {"status": "enabled", "algo": algo, "len": length},
            "cert": {"status": "valid",
                     "certificates": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                                      for c in certs],
                     "subjectDN": chain[0].subject.rfc4514_string(),
                     "issuerDN": chain[0].issuer.rfc4514_string()},
            "authMode": "explicit", "SCAL": "2",
            "multisign": ARGS.advertise_multisign or ARGS.multisign,
            "PIN": {"presence": "true", "format": "N"},
            "OTP": {"presence": "true" if ARGS.otp else "false", "type": "offline"},
        }

    def authorize(self, req):
        cid = req.get("credentialID")
        if cid not in CREDS:
            raise Fail(400, "invalid_request", "Invalid parameter credentialID")
        if req.get("PIN") != ARGS.pin:
            raise Fail(400, "invalid_pin", "The PIN is invalid")
        if ARGS.otp and req.get("OTP") != ARGS.otp:
            raise Fail(400, "invalid_otp", "The OTP is invalid")
        n = int(req.get("numSignatures", 0))
        if n < 1 or n > ARGS.multisign:
            raise Fail(400, "invalid_request", "Invalid parameter numSignatures")
        hs = req.get("hashes", req.get("hash")) or []
        if len(hs) != n:
            raise Fail(400, "invalid_request", "SCAL2: numSignatures hashes must be given")
        sad = secrets.token_urlsafe(24)
        with LOCK:
            SADS[sad] = {"cid": cid, "left": n, "hashes": set(hs)}
        self.record({"method": "credentials/authorize", "numSignatures": n, "hashes": len(hs)})
        return 200, {"SAD": sad, "expiresIn": 300}

    def sign_hash(self, req):
        cid = req.get("credentialID")
        hs = req.get("hashes", req.get("hash")) or []
        oid = req.get("hashAlgorithmOID", req.get("hashAlgo"))
        sign_algo = req.get("signAlgo", "")
        with LOCK:
            auth = SADS.get(req.get("SAD"))
            if auth is None or auth["cid"] != cid:
                raise Fail(400, "invalid_request", "Invalid parameter SAD")
            if len(hs) > auth["left"] or not set(hs) <= auth["hashes"]:
                raise Fail(400, "invalid_request", "The hashes were not authorized (SCAL2)")
            auth["left"] -= len(hs)
        if oid not in HASHES:
            raise Fail(400, "invalid_request", "Invalid parameter hashAlgorithmOID")
        if not sign_algo.startswith(("1.2.840.113549.1.1.", "1.2.840.10045.")):
            raise Fail(400, "invalid_request", "Invalid parameter signAlgo")
        key, _ = CREDS[cid]
        sigs = [base64.b64encode(sign(key, base64.b64decode(h), HASHES[oid])).decode() for h in hs]
        mode = req.get("operationMode", "S")
        self.record({"method": "signatures/signHash", "hashes": len(hs), "operationMode": mode})
        if mode == "A":
            rid = secrets.token_hex(8)
            with LOCK:
                PENDING[rid] = {"sigs": sigs, "polls": 0}
            return 200, {"responseID": rid}
        if ARGS.require_async:
            raise Fail(400, "invalid_request", "Invalid parameter operationMode: only A")
        return 200, {"signatures": sigs}

    def poll(self, req):
        rid = req.get("responseID")
        with LOCK:
            p = PENDING.get(rid)
            if p is None:
                raise Fail(400, "invalid_request", "Invalid parameter responseID")
            p["polls"] += 1
            polls = p["polls"]
        self.record({"method": "signatures/signPolling", "poll": polls})
        if polls < ARGS.confirm_after:
            return 202, {}
        if ARGS.decline:
            raise Fail(400, "access_denied", "The user declined the signing request")
        return 200, {"signatures": p["sigs"]}


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--pki", required=True)
    p.add_argument("--credentials", default="ca-nhan,ec-p256,to-chuc")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--lifetime", type=int, default=300)
    p.add_argument("--pin", default="1234")
    p.add_argument("--otp")
    p.add_argument("--token", default="test-token")
    p.add_argument("--client-id")
    p.add_argument("--client-secret")
    p.add_argument("--expired-token", action="store_true")
    p.add_argument("--confirm-after", type=int, default=2)
    p.add_argument("--decline", action="store_true")
    p.add_argument("--wrong-hash", action="store_true")
    p.add_argument("--multisign", type=int, default=10)
    p.add_argument("--advertise-multisign", type=int)
    p.add_argument("--raw-ecdsa", action="store_true")
    p.add_argument("--require-async", action="store_true")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--calls")
    ARGS = p.parse_args()
    load_credentials(ARGS.pki, ARGS.credentials.split(","))
    server = Server(("127.0.0.1", ARGS.port), Handler)
    if ARGS.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(ARGS.port_file + ".tmp", ARGS.port_file)
    print("listening 127.0.0.1:%d" % port, flush=True)
    threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
