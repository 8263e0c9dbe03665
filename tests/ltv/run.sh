#!/usr/bin/env bash
# Long-term validation suite (issue 5): real services on 127.0.0.1 only —
#   tests/revocation/server.py: CRLs, OCSP (`openssl ocsp` per request) and an RFC 3161 TSA
#   (`openssl ts -reply` per request, tests/ltv/tsa.cnf) —
# then, with the kyso CLI:
#   1. sign at B-T, B-LT and B-LTA (PKCS#12 and SoftHSM), and augment with `kyso ltv add`;
#   2. pyHanko validates the B-LTA output AdES-style (`pyhanko sign adesverify`, EN 319 102-1
#      §5.6.3) and `sign validate`; poppler's pdfsig accepts it;
#   3. with the servers STOPPED: kyso verifies offline from the DSS (VALID, level B-LTA), also
#      a month later (--at) for a signer certificate that expires two days after signing, while
#      the same certificate's B-B signature is not VALID then; tampering is still caught;
#   4. the real Government PDFs (../shared/corpora/vn-gov/pdf) get a DSS and a document
#      time-stamp from the test TSA, and their signatures stay intact, with the signing time
#      from their own time-stamp.
# Needs tests/work (bash tests/run.sh builds it). Prints "N passed, M failed"; exits 1 on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
DATA=$WORK/ltv
PORT=${PORT:-18080}
export KYSO_TEST_WORK=$WORK
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export PORT
PY=$ROOT/tests/.venv/bin/python
PYHANKO=$ROOT/tests/.venv/bin/pyhanko
GOV=$ROOT/../shared/corpora/vn-gov
[[ -f $PKI/ca-g2.pem ]] || { echo "ltv: $PKI missing: run bash tests/run.sh first" >&2; exit 1; }

# Revocation data (ca-g2 database copy, CRL) as the revocation suite makes it, plus a signer
# certificate valid from yesterday to two days from now, entered in that database so the OCSP
# responder answers "good" for it.
bash tests/revocation/make-data.sh "$PKI" "$DATA" > /dev/null
mkdir -p "$DATA/short"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$DATA/short/short.key.pem" 2> /dev/null
openssl req -new -utf8 -config tests/pki/req.cnf -key "$DATA/short/short.key.pem" \
  -subj "/C=VN/L=Gia Lai/O=Sở Khoa học và Công nghệ tỉnh Gia Lai/CN=Đỗ Văn Ngắn (hết hạn sau 2 ngày)/UID=CCCD:064099002222" \
  -out "$DATA/short/short.csr"
START=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
END=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
printf '%X\n' $((0x5000 + RANDOM)) > "$DATA/db/ca-g2/serial"
CA_DIR=$DATA/db/ca-g2 openssl ca -batch -notext -utf8 -preserveDN -config tests/pki/ca.cnf \
  -extfile tests/pki/ext.cnf -extensions individual -md sha256 -startdate "$START" -enddate "$END" \
  -cert "$PKI/ca-g2.pem" -keyfile "$PKI/ca-g2.key.pem" -in "$DATA/short/short.csr" \
  -out "$DATA/short/short.pem" 2> "$DATA/short/ca.log" || { cat "$DATA/short/ca.log" >&2; exit 1; }
cp "$DATA/db/ca-g2/index.txt" "$DATA/index.txt"
openssl pkcs12 -export -inkey "$DATA/short/short.key.pem" -in "$DATA/short/short.pem" \
  -certfile "$PKI/ca-nhan.chain.pem" -name short -passout pass:kyso-test -out "$DATA/short/short.p12"

source tests/revocation/server-lib.sh
TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM
: > "$DATA/server.log"
start_server ltv "$PKI" "$DATA"
TSA=http://127.0.0.1:$PORT/tsa
echo "ltv: CRL/OCSP/TSA server on 127.0.0.1:$PORT (pid $SERVER_PID)"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok    $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL  $1"; }

cargo build -q -p kyso-cli
KYSO=$CARGO_TARGET_DIR/debug/kyso
export KYSO_P12_PASSWORD=kyso-test
TRUST=(--trust "$PKI/root-g2.pem")

# run NAME -- command: must exit 0.
run() {
  local name=$1; shift 2
  if "$@" > "$TMP/out" 2> "$TMP/err"; then ok "$name"; else ko "$name"; sed 's/^/        /' "$TMP/err" "$TMP/out" | tail -8; fi
}

# report NAME PYTHON-CONDITION -- kyso verify ARGS...: the JSON report `r` must satisfy the
# condition (`s` is the list of signature reports).
report() {
  local name=$1 cond=$2; shift 3
  "$@" --json > "$TMP/report.json" 2> "$TMP/err" || true
  if python3 - "$TMP/report.json" "$cond" << 'EOF'
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
s = r.get("signatures", [])
ok = eval(sys.argv[2])
if not ok:
    for x in s:
        print("        ", x["field"], x["kind"], x["indication"], x["sub_indication"], x["level"],
              x.get("timestamp"), [c["code"] for c in x["reasons"]], x["checks"])
sys.exit(0 if ok else 1)
EOF
  then ok "$name"; else ko "$name (verdict $(python3 -c 'import json,sys;print(json.loads(open(sys.argv[1]).read().splitlines()[-1]).get("verdict"))' "$TMP/report.json" 2> /dev/null))"; fi
}

PLAIN=$WORK/pdf/plain.pdf
P12=(--p12 "$PKI/ca-nhan.p12" --password-env KYSO_P12_PASSWORD)

# ---- 1. Signing at each level ----
run "sign B-T (PKCS#12)" -- "$KYSO" sign "$PLAIN" -o "$TMP/bt.pdf" "${P12[@]}" --level B-T --tsa "$TSA"
run "sign B-T with a SHA-512 time-stamp imprint" -- "$KYSO" sign "$PLAIN" -o "$TMP/bt512.pdf" "${P12[@]}" --level B-T --tsa "$TSA" --tsa-digest sha512
run "sign B-LT (PKCS#12, --online)" -- "$KYSO" sign "$PLAIN" -o "$TMP/blt.pdf" "${P12[@]}" --level B-LT --tsa "$TSA" --online
run "sign B-LTA (PKCS#12, --online)" -- "$KYSO" sign "$PLAIN" -o "$TMP/blta.pdf" "${P12[@]}" --level B-LTA --tsa "$TSA" --online
export SOFTHSM2_CONF=${SOFTHSM2_CONF:-$WORK/softhsm/softhsm2.conf}
if [[ -f $SOFTHSM2_CONF ]]; then
  export KYSO_PIN=1234
  run "sign B-LTA (SoftHSM token, organisation key)" -- "$KYSO" sign "$PLAIN" -o "$TMP/blta-hsm.pdf" \
    --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token kyso-test --key-label to-chuc --pin-env KYSO_PIN \
    --chain "$PKI/ca-g2.pem" --chain "$PKI/root-g2.pem" --level B-LTA --tsa "$TSA" --online
else
  ko "SoftHSM token configuration $SOFTHSM2_CONF missing"
fi
run "sign B-LTA, short-lived certificate" -- "$KYSO" sign "$PLAIN" -o "$TMP/short-blta.pdf" \
  --p12 "$DATA/short/short.p12" --password-env KYSO_P12_PASSWORD --level B-LTA --tsa "$TSA" --online
run "sign B-B, short-lived certificate" -- "$KYSO" sign "$PLAIN" -o "$TMP/short-bb.pdf" \
  --p12 "$DATA/short/short.p12" --password-env KYSO_P12_PASSWORD
# ltv add fetches for chains that validate to an anchor: the test root is named (--ca-cert);
# the Government CA's roots are built in.
run "ltv add to a B-T file (fetching, --tsa)" -- "$KYSO" ltv add "$TMP/bt.pdf" -o "$TMP/bt-lta.pdf" --tsa "$TSA" \
  --ca-cert "$PKI/root-g2.pem"
run "ltv add to a B-B file with given CRLs (--offline, no TSA)" -- "$KYSO" ltv add "$TMP/short-bb.pdf" \
  -o "$TMP/bb-lt.pdf" --offline --crl "$DATA/crl/ca-g2.crl" --crl "$PKI/root-g2.crl.der"
# A requested level is a promise: without the data, nothing is written and the error names
# each certificate whose status is missing.
if "$KYSO" ltv add "$TMP/short-bb.pdf" -o "$TMP/bb-nothing.pdf" --offline 2> "$TMP/err"; then
  ko "ltv add --offline without data is refused"
else
  rc=$?
  [[ $rc -eq 2 && ! -e $TMP/bb-nothing.pdf ]] && grep -q "B-LT" "$TMP/err" && grep -q "Ngắn" "$TMP/err" \
    && ok "ltv add --offline without data: exit 2, nothing written, the certificate named" \
    || { ko "ltv add --offline without data (exit $rc)"; sed 's/^/        /' "$TMP/err" | tail -4; }
fi
if "$KYSO" sign "$PLAIN" -o "$TMP/blta-offline.pdf" "${P12[@]}" --level B-LTA --tsa "$TSA" --offline 2> "$TMP/err"; then
  ko "sign B-LTA --offline without data is refused"
else
  rc=$?
  [[ $rc -eq 2 && ! -e $TMP/blta-offline.pdf ]] && grep -q "B-LTA" "$TMP/err" \
    && ok "sign B-LTA --offline without data: exit 2, nothing written" \
    || { ko "sign B-LTA --offline without data (exit $rc)"; sed 's/^/        /' "$TMP/err" | tail -4; }
fi
run "sign B-LTA --offline with every CRL given" -- "$KYSO" sign "$PLAIN" -o "$TMP/blta-given.pdf" "${P12[@]}" \
  --level B-LTA --tsa "$TSA" --offline --crl "$DATA/crl/ca-g2.crl" --crl "$PKI/root-g2.crl.der"
if "$KYSO" sign "$PLAIN" -o "$TMP/no-tsa.pdf" "${P12[@]}" --level B-T 2> "$TMP/err"; then
  ko "B-T without --tsa is refused"
else
  grep -q -- "--tsa" "$TMP/err" && ok "B-T without --tsa is refused" || ko "B-T without --tsa: unclear error"
fi
if "$KYSO" sign "$PLAIN" -o "$TMP/bad-tsa.pdf" "${P12[@]}" --level B-T --tsa "http://127.0.0.1:$PORT/nope" 2> "$TMP/err"; then
  ko "an unusable TSA fails the signing"
else
  [[ ! -e $TMP/bad-tsa.pdf ]] && ok "an unusable TSA fails the signing, no file written" || ko "a file was written"
fi
for f in bt blt blta; do
  cmp -s -n "$(stat -c %s "$PLAIN")" "$PLAIN" "$TMP/$f.pdf" && ok "$f.pdf keeps the original as a prefix" || ko "$f.pdf prefix"
done

# ---- 2. Independent verifiers (servers up) ----
for f in blta blta-hsm bt-lta; do
  [[ -f $TMP/$f.pdf ]] || continue
  if "$PYHANKO" sign adesverify --trust "$PKI/root-g2.pem" --trust-replace "$TMP/$f.pdf" > "$TMP/ph" 2> "$TMP/ph.log" \
    && grep -q ":INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>" "$TMP/ph"; then
    ok "pyHanko adesverify (PAdES LTA) accepts $f.pdf"
  else
    ko "pyHanko adesverify $f.pdf"; sed 's/^/        /' "$TMP/ph" | tail -8
  fi
  if "$PYHANKO" sign validate --trust "$PKI/root-g2.pem" --trust-replace --pretty-print "$TMP/$f.pdf" > "$TMP/ph" 2>&1 \
    && grep -q "judged VALID" "$TMP/ph"; then
    ok "pyHanko validate accepts $f.pdf"
  else
    ko "pyHanko validate $f.pdf"; sed 's/^/        /' "$TMP/ph" | tail -8
  fi
done
if command -v pdfsig > /dev/null; then
  mkdir -p "$TMP/nss"
  certutil -N -d "sql:$TMP/nss" --empty-password
  certutil -A -d "sql:$TMP/nss" -n root -t "CT,C,C" -i "$PKI/root-g2.pem"
  certutil -A -d "sql:$TMP/nss" -n ca -t ",," -i "$PKI/ca-g2.pem"
  if pdfsig -nssdir "sql:$TMP/nss" "$TMP/blta.pdf" > "$TMP/ps" 2>&1 && grep -q "Signature is Valid" "$TMP/ps"; then
    ok "pdfsig accepts blta.pdf"
  else
    ko "pdfsig blta.pdf"; sed 's/^/        /' "$TMP/ps" | tail -12
  fi
fi

# ---- 3. Offline: the servers are stopped ----
stop_server
if port_open; then ko "server stopped"; else ok "server stopped"; fi
SIG='[x for x in s if x["kind"] == "signature"]'
DTS='[x for x in s if x["kind"] == "document_timestamp"]'
report "B-T: level, signing time from the time-stamp" \
  "r['verdict'] != 'INVALID' and s[0]['level'] == 'B-T' and s[0]['signing_time']['source'] == 'timestamp' and s[0]['timestamp']['valid']" \
  -- "$KYSO" verify "$TMP/bt.pdf" "${TRUST[@]}"
report "B-T with a SHA-512 imprint: time-stamp valid" \
  "s[0]['level'] == 'B-T' and s[0]['timestamp']['valid'] and s[0]['signing_time']['source'] == 'timestamp'" \
  -- "$KYSO" verify "$TMP/bt512.pdf" "${TRUST[@]}"
report "B-LT offline: VALID from the DSS, level B-LT" \
  "r['verdict'] == 'VALID' and s[0]['level'] == 'B-LT' and s[0]['checks']['revocation'] == 'passed'" \
  -- "$KYSO" verify "$TMP/blt.pdf" "${TRUST[@]}"
for f in blta blta-hsm bt-lta; do
  [[ -f $TMP/$f.pdf ]] || continue
  report "$f offline: VALID, B-LTA, document time-stamp valid" \
    "r['verdict'] == 'VALID' and $SIG[0]['level'] == 'B-LTA' and len($DTS) == 1 and $DTS[0]['indication'] == 'TOTAL_PASSED' and all(x['checks']['revocation'] == 'passed' for x in s)" \
    -- "$KYSO" verify "$TMP/$f.pdf" "${TRUST[@]}"
done
if "$PYHANKO" sign adesverify --trust "$PKI/root-g2.pem" --trust-replace "$TMP/blta.pdf" > "$TMP/ph" 2> "$TMP/ph.log" \
  && grep -q ":INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>" "$TMP/ph"; then
  ok "pyHanko adesverify accepts blta.pdf offline"
else
  ko "pyHanko adesverify blta.pdf offline"; sed 's/^/        /' "$TMP/ph" "$TMP/ph.log" | tail -8
fi
# Control: without the DSS (B-T) and with the services stopped, pyHanko cannot establish trust.
if "$PYHANKO" sign adesverify --trust "$PKI/root-g2.pem" --trust-replace "$TMP/bt.pdf" > "$TMP/ph" 2> "$TMP/ph.log"; then
  ko "pyHanko adesverify must not accept bt.pdf offline"; cat "$TMP/ph"
else
  grep -q ":INTACT:UNTRUSTED" "$TMP/ph" && ok "control: pyHanko adesverify refuses bt.pdf offline (no DSS)" \
    || { ko "control: unexpected pyHanko output"; cat "$TMP/ph"; }
fi
MONTH=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
report "short-lived signer, B-LTA, verified a month later offline: VALID" \
  "r['verdict'] == 'VALID' and $SIG[0]['level'] == 'B-LTA'" \
  -- "$KYSO" verify "$TMP/short-blta.pdf" "${TRUST[@]}" --at "$MONTH"
MONTH_PY=${MONTH%Z}
if "$PYHANKO" sign adesverify --trust "$PKI/root-g2.pem" --trust-replace --validation-time "$MONTH_PY" \
  "$TMP/short-blta.pdf" > "$TMP/ph" 2> "$TMP/ph.log" && grep -q ":INTACT:TRUSTED," "$TMP/ph"; then
  ok "pyHanko adesverify accepts the short-lived signer's B-LTA a month later, offline"
else
  ko "pyHanko adesverify short-blta.pdf a month later"; sed 's/^/        /' "$TMP/ph" "$TMP/ph.log" | tail -8
fi
if "$PYHANKO" sign adesverify --trust "$PKI/root-g2.pem" --trust-replace --validation-time "$MONTH_PY" \
  "$TMP/short-bb.pdf" > "$TMP/ph" 2> "$TMP/ph.log"; then
  ko "control: pyHanko must not accept the short-lived signer's B-B a month later"; cat "$TMP/ph"
else
  ok "control: pyHanko refuses the short-lived signer's B-B a month later"
fi
report "short-lived signer, B-B, a month later: not VALID (no proof of the signing time)" \
  "r['verdict'] != 'VALID' and s[0]['sub_indication'] == 'OUT_OF_BOUNDS_NO_POE'" \
  -- "$KYSO" verify "$TMP/short-bb.pdf" "${TRUST[@]}" --at "$MONTH" --no-revocation
report "ltv add with given CRLs (no TSA): B-B signature VALID offline from the DSS" \
  "r['verdict'] == 'VALID' and s[0]['checks']['revocation'] == 'passed'" \
  -- "$KYSO" verify "$TMP/bb-lt.pdf" "${TRUST[@]}"
report "B-LTA without the DSS data would need the network: B-T file offline is not VALID" \
  "r['verdict'] != 'VALID' and s[0]['sub_indication'] == 'TRY_LATER'" \
  -- "$KYSO" verify "$TMP/bt.pdf" "${TRUST[@]}"
# Tampering after the document time-stamp: one byte of the signed content changed.
"$PY" - "$TMP/blta.pdf" "$TMP/blta-tampered.pdf" << 'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"/MediaBox")
b[i + 1] = ord("m")
open(sys.argv[2], "wb").write(bytes(b))
EOF
report "B-LTA tampered: INVALID" "r['verdict'] == 'INVALID'" -- "$KYSO" verify "$TMP/blta-tampered.pdf" "${TRUST[@]}"

# ---- 4. Real Government PDFs, augmented with the test TSA (server restarted) ----
if [[ -d $GOV/pdf ]]; then
  start_server ltv "$PKI" "$DATA" 600
  GOV_TRUST=(--trust "$GOV/certs/vgca-g1/VGCA_ROOTCA_BIN.cer" --trust "$GOV/certs/vgca-g2/rootcag2.crt"
    --intermediate "$GOV/certs/vgca-g1" --intermediate "$GOV/certs/vgca-g2")
  n=0
  for pdf in "$GOV"/pdf/*_signed.pdf; do
    name=$(basename "$pdf" .pdf)
    out=$TMP/gov-$name-lta.pdf
    # --offline: the real CA's endpoints are not reachable from tests (loopback only); its
    # revocation data cannot be embedded, which --partial accepts.
    if ! "$KYSO" ltv add "$pdf" -o "$out" --tsa "$TSA" --offline --partial 2> "$TMP/err"; then
      ko "ltv add $name"; sed 's/^/        /' "$TMP/err" | tail -4; continue
    fi
    n=$((n + 1))
    cmp -s -n "$(stat -c %s "$pdf")" "$pdf" "$out" && ok "$name: original bytes are a prefix" || ko "$name: prefix"
    # The original signatures keep their verdict and their time-stamp's time (revocation is not
    # checkable offline for the real CA; the document time-stamp chains to the test root).
    "$KYSO" verify "$pdf" "${GOV_TRUST[@]}" --no-revocation --json > "$TMP/before.json" 2> /dev/null || true
    report "$name: signatures intact after ltv add, same verdicts and signing times, document time-stamp VALID" \
      "(lambda b: [(x['indication'], x['signing_time']) for x in b['signatures']] == [(x['indication'], x['signing_time']) for x in $SIG] and not any(x['modified_after_signing'] for x in $SIG) and len($DTS) == len([x for x in b['signatures'] if x['kind'] == 'document_timestamp']) + 1 and $DTS[-1]['indication'] == 'TOTAL_PASSED')(json.loads(open('$TMP/before.json').read().splitlines()[-1]))" \
      -- "$KYSO" verify "$out" "${GOV_TRUST[@]}" --trust "$PKI/root-g2.pem" --no-revocation
  done
  # pyHanko agrees that the G2 signature is untouched by the augmentation (revocation of the real
  # CA cannot be checked here; its SHA-1 G1 file is outside pyHanko's default algorithm policy).
  g2=$TMP/gov-govportal_2025-01-07_g2_signed-lta.pdf
  if [[ -f $g2 ]] && "$PYHANKO" sign validate --trust "$GOV/certs/vgca-g2/rootcag2.crt" --trust-replace \
      --other-certs "$GOV/certs/vgca-g2/cpcag2.crt" --no-revocation-check --pretty-print "$g2" > "$TMP/ph" 2>&1 \
    && grep -q "judged VALID" "$TMP/ph" && grep -q "compatible with the current document modification policy" "$TMP/ph"; then
    ok "pyHanko: the augmented G2 Government PDF's signature is VALID, changes permitted"
  else
    ko "pyHanko on the augmented G2 Government PDF"; sed 's/^/        /' "$TMP/ph" | tail -8
  fi
  stop_server
  [[ $n -gt 0 ]] || ko "no Government PDF found in $GOV/pdf"
else
  ko "Government corpus $GOV/pdf missing"
fi

echo "ltv: $pass passed, $fail failed"
[[ $fail == 0 ]]
