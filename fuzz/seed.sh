#!/usr/bin/env bash
# Fills fuzz/seeds/<target>/ with seeds (gitignored: nothing here is committed; campaigns grow
# fuzz/corpus/<target>/ from them, the CI smoke runs on them alone):
#   - PDFs (≤ 300 KB; ≤ 100 KB for sign_pdf, ≤ 60 KB for ffi) from ../shared/corpora/{pdf-signed,pdf-attacks,vn-gov/pdf}
#     and, when present, the PDFs the tests generate (tests/work/{pdf,mdp,interop});
#   - CMS SignedData from ../shared/corpora/{rfc4134,cms-dss} and the /Contents of the signed PDFs;
#   - certificates from vn-gov/certs and PKITS, and PKITS chains (leaf … anchor, DER one after the other);
#   - CRLs from PKITS alone, and PKITS chains followed by their CRLs (the crl target's layout);
#   - OCSP responses and RFC 3161 tokens made here with openssl from the test PKI (tests/work/pki, built
#     by tests/pki/make-pki.sh when missing), laid out as the ocsp and timestamp targets read them;
#   - the ffi target: a selector byte (fuzz/src/lib.rs) then a PDF, a certificate or an options JSON.
#
#   bash fuzz/seed.sh            (CORPORA=/path/to/corpora to override ../shared/corpora)
#
# Idempotent: files are named by content hash; OCSP responses and tokens are made only while
# fuzz/seeds/ocsp is empty (they carry the current time).
set -euo pipefail

FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$FUZZ/.." && pwd)
CORPORA=${CORPORA:-$(cd "$ROOT/.." && pwd)/shared/corpora}
OUT=$FUZZ/seeds
PKI=$ROOT/tests/work/pki
say() { echo "seed: $*"; }

[[ -d $CORPORA ]] || { say "no corpora at $CORPORA (set CORPORA=)"; exit 1; }
if [[ ! -f $PKI/ocsp.pem ]] && command -v openssl > /dev/null; then
  say "building the test PKI in $PKI"
  bash "$ROOT/tests/pki/make-pki.sh" "$PKI" > /dev/null
fi

# OCSP responses and time-stamp tokens from the test PKI, in a scratch directory.
GEN=$(mktemp -d)
trap 'rm -rf "$GEN"' EXIT
if [[ -n $(ls -A "$OUT/ocsp" 2> /dev/null) ]]; then
  say "fuzz/seeds/ocsp is not empty: no new OCSP responses or time-stamp tokens made"
elif [[ -f $PKI/ocsp.pem ]]; then
  for leaf in ca-nhan revoked expired to-chuc neg-serial; do
    openssl ocsp -issuer "$PKI/ca-g2.pem" -cert "$PKI/$leaf.pem" -reqout "$GEN/$leaf.req" -no_nonce 2> /dev/null || continue
    openssl ocsp -index "$PKI/index.txt" -rsigner "$PKI/ocsp.pem" -rkey "$PKI/ocsp.key.pem" -CA "$PKI/ca-g2.pem" \
      -reqin "$GEN/$leaf.req" -respout "$GEN/$leaf.ocsp" -ndays 3650 2> /dev/null || continue
    openssl x509 -in "$PKI/$leaf.pem" -outform DER -out "$GEN/$leaf.der"
  done
  openssl x509 -in "$PKI/ocsp.pem" -outform DER -out "$GEN/ocsp.der"
  echo 01 > "$GEN/tsaserial"
  cat > "$GEN/ts.cnf" <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = $GEN/tsaserial
crypto_device = builtin
signer_digest = sha256
default_policy = 2.16.704.1.1.1.2
other_policies = 2.999.1.1
digests = sha256, sha384, sha512, sha1
accuracy = secs:1, millisecs:500
ordering = yes
tsa_name = yes
ess_cert_id_chain = yes
ess_cert_id_alg = sha256
EOF
  echo kyso > "$GEN/data"
  i=0
  for opts in "-sha256 -cert" "-sha512 -cert" "-sha1" "-sha256 -cert -policy 2.999.1.1"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    openssl ts -query -data "$GEN/data" $opts -out "$GEN/q$i.tsq" 2> /dev/null || continue
    openssl ts -reply -config "$GEN/ts.cnf" -queryfile "$GEN/q$i.tsq" -signer "$PKI/tsa.pem" -inkey "$PKI/tsa.key.pem" \
      -chain "$PKI/ca-g2.chain.pem" -token_out -out "$GEN/token$i.tst" 2> /dev/null || continue
  done
  say "made $(ls "$GEN"/*.ocsp 2> /dev/null | wc -l) OCSP responses and $(ls "$GEN"/*.tst 2> /dev/null | wc -l) time-stamp tokens"
else
  say "no test PKI (openssl missing?): no OCSP or time-stamp seeds"
fi

python3 - "$CORPORA" "$ROOT" "$PKI" "$GEN" "$OUT" <<'PY'
import binascii, glob, hashlib, json, os, re, sys

corpora, root, pki, gen, out = sys.argv[1:6]
counts = {}

def add(target, data):
    if not data:
        return
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1

def read(p):
    with open(p, "rb") as f:
        return f.read()

def files(*patterns):
    seen = []
    for pat in patterns:
        seen += sorted(glob.glob(pat, recursive=True))
    return [p for p in seen if os.path.isfile(p)]

def der_of_pem(data):
    m = re.findall(rb"-----BEGIN [A-Z ]+-----(.*?)-----END", data, re.S)
    return [binascii.a2b_base64(b"".join(x.split())) for x in m]

# ---- PDFs ----
pdfs = files(f"{corpora}/pdf-signed/**/*.pdf", f"{corpora}/pdf-attacks/**/*.pdf", f"{corpora}/vn-gov/pdf/**/*.pdf",
             f"{root}/tests/work/pdf/*.pdf", f"{root}/tests/work/mdp/*.pdf", f"{root}/tests/work/interop/*.pdf")
cms_from_pdfs = []
for p in pdfs:
    data = read(p)
    if len(data) > 300_000:
        continue
    for t in ("verify_pdf", "revisions", "dss"):
        add(t, data)
    if len(data) <= 100_000:
        add("sign_pdf", data)
        add("placement", data)
    if len(data) <= 60_000:
        add("ffi", b"\x00" + data)
        if b"/ByteRange" in data:
            add("ffi", b"\x02" + data)
    for hexs in re.findall(rb"/Contents\s*<([0-9A-Fa-f\s]{200,})>", data):
        try:
            raw = binascii.unhexlify(b"".join(hexs.split()))
        except (binascii.Error, ValueError):
            continue
        raw = raw.rstrip(b"\x00")
        if raw[:1] == b"\x30":
            cms_from_pdfs.append(raw)

# ---- CMS and time-stamp tokens ----
for p in files(f"{corpora}/rfc4134/*.bin", f"{corpora}/cms-dss/**/*.p7m", f"{corpora}/cms-dss/**/*.pkcs7",
               f"{corpora}/cms-dss/**/*.sig"):
    data = read(p)
    if len(data) <= 300_000:
        add("cms", data)
for raw in cms_from_pdfs[:150]:
    add("cms", raw)
    add("timestamp", raw)
for p in files(f"{gen}/*.tst"):
    add("timestamp", read(p))
    add("cms", read(p))

# ---- certificates, chains, CRLs ----
def der_cert(p):
    data = read(p)
    return der_of_pem(data) if b"-----BEGIN" in data else [data]

for p in files(f"{corpora}/vn-gov/certs/**/*"):
    data = read(p)
    add("certificates", data)
    for der in der_cert(p)[:1]:
        add("ffi", b"\x01" + der)
for p in files(f"{root}/tests/work/pki/*.fullchain.pem"):
    add("certificates", read(p))
    add("ffi", b"\x01" + read(p))

pk = f"{corpora}/pkits"
for p in files(f"{pk}/crls/*.crl"):
    add("crl", read(p))
try:
    tests = json.load(open(f"{pk}/pkits.json"))["tests"]
except (OSError, ValueError, KeyError):
    tests = []
for t in tests:
    try:
        chain = [read(f"{pk}/{t['end_entity']}")] + [read(f"{pk}/{c}") for c in reversed(t.get("intermediates", []))] \
            + [read(f"{pk}/{t['trust_anchor']}")]
        crls = [read(f"{pk}/{c}") for c in t.get("crls", [])]
    except (OSError, KeyError):
        continue
    add("certificates", b"".join(chain))
    add("crl", b"".join(chain[:6] + crls[:6]))
    add("ffi", b"\x01" + b"".join(chain))
for p in files(f"{pk}/certs/*.crt")[::4]:
    add("certificates", read(p))

# The test PKI: leaf, CA, root, then the CRL or the OCSP response.
if os.path.exists(f"{pki}/ca-g2.der"):
    ca, rootc = read(f"{pki}/ca-g2.der"), read(f"{pki}/root-g2.der")
    for leaf in ("ca-nhan", "revoked", "expired", "to-chuc", "neg-serial"):
        lp = f"{gen}/{leaf}.der"
        if not os.path.exists(lp):
            continue
        chain = read(lp) + ca + rootc
        add("crl", chain + read(f"{pki}/ca-g2.crl.der") + read(f"{pki}/root-g2.crl.der"))
        add("crl", chain + read(f"{pki}/ca-g2-empty.crl.der"))
        if os.path.exists(f"{gen}/{leaf}.ocsp"):
            add("ocsp", chain + read(f"{gen}/{leaf}.ocsp"))
            add("ocsp", read(lp) + ca + read(f"{gen}/{leaf}.ocsp"))
            add("ocsp", read(f"{gen}/{leaf}.ocsp"))

# ---- C ABI options ----
for j in ('{}', '{"revocation": "off"}', '{"at": "2026-01-31T00:00:00Z", "revocation": "embedded"}',
          '{"trust": [], "intermediates": [], "crls": [], "max_fetches": 16, "purpose": "any"}',
          '{"at": "1999-12-31T23:59:60Z"}', '{"revocation": "online", "fetch_allow": []}'):
    add("ffi", b"\x03" + j.encode())

for t in sorted(counts):
    print(f"seed: {t}: {counts[t]} new")
for t in sorted(os.listdir(out)):
    n = len(os.listdir(os.path.join(out, t)))
    print(f"seed: {t}: {n} seeds in fuzz/seeds/{t}")
PY

# ---- edXML packages: tests/edxml/make-package.py, signed by xmlsec1 with the test PKI ----
if command -v xmlsec1 > /dev/null && [[ -f $PKI/to-chuc.key.pem ]]; then
  mkdir -p "$OUT/edxml"
  pdf=$(ls "$ROOT"/tests/work/pdf/pyhanko-signed.pdf "$CORPORA"/pdf-signed/*.pdf 2> /dev/null | head -1 || true)
  pack() { python3 "$ROOT/tests/edxml/make-package.py" "$GEN/p.edxml" "$@" && \
    cp "$GEN/p.edxml" "$OUT/edxml/$(sha256sum "$GEN/p.edxml" | cut -c1-16)"; }
  sign=(--sign "$PKI/to-chuc.key.pem" "$PKI/to-chuc.pem" "$PKI/ca-g2.pem")
  pack --attach "$pdf" "${sign[@]}"
  pack --attach "$pdf" --zip --covers header "${sign[@]}"
  pack --attach "$pdf" --alg ecdsa-sha256 --covers header --sign "$PKI/ec-p256.key.pem" "$PKI/ec-p256.pem"
  pack --attach "$pdf" --attach "$ROOT/README.md" --to H21.01 --to G11.07.05
  pack
  say "edxml: $(ls "$OUT/edxml" | wc -l) seeds in fuzz/seeds/edxml"
fi
