#!/usr/bin/env bash
# Revocation suite: a loopback HTTP server (tests/revocation/server.py, 127.0.0.1 only) serves the
# test PKI's CRLs and AIA certificates and answers OCSP with `openssl ocsp` per request; then
#   1. the Rust tests that need it (crates/kyso-net/tests/loopback.rs, --include-ignored);
#   2. the CLI end to end: `kyso cert verify --online/--crl`, `kyso sign` + `kyso verify --online/--crl`,
#      and CRLs embedded in a PDF's DSS (tests/revocation/add-dss.py) used offline;
#   3. with the server stopped: "unreachable" must give INDETERMINATE/TRY_LATER, never VALID.
# Needs tests/work/pki (bash tests/run.sh builds it). Prints "N passed, M failed"; exits 1 on any failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
DATA=$WORK/revocation
PORT=${PORT:-18080}
export KYSO_TEST_WORK=$WORK
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
[[ -f $PKI/ca-g2.pem ]] || { echo "revocation: $PKI missing: run bash tests/run.sh first" >&2; exit 1; }

bash tests/revocation/make-data.sh "$PKI" "$DATA"

source tests/revocation/server-lib.sh
trap stop_server EXIT INT TERM
: > "$DATA/server.log"
# The server also stops by itself after 15 minutes (--lifetime), whatever happens to this script.
start_server revocation "$PKI" "$DATA" 900
export KYSO_REVOCATION_URL=http://127.0.0.1:$PORT
echo "revocation: server on $KYSO_REVOCATION_URL (pid $SERVER_PID)"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok    $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL  $1"; }

# ---- 1. Rust tests against the server ----
if cargo test -q -p kyso-net --test loopback -- --include-ignored 2>&1 | tee "$DATA/cargo.log" | tail -3; then
  n=$(grep -Eo '[0-9]+ passed' "$DATA/cargo.log" | tail -1 | cut -d' ' -f1)
  ok "rust loopback tests ($n passed)"
else
  ko "rust loopback tests"
fi

# ---- 2. CLI ----
cargo build -q -p kyso-cli
KYSO=$CARGO_TARGET_DIR/debug/kyso
TMP=$(mktemp -d)
trap 'stop_server; rm -rf "$TMP"' EXIT INT TERM

# expect NAME EXIT STATUS SUB CODE -- command...: checks exit code, JSON status/sub_indication and a reason code.
expect() {
  local name=$1 want_exit=$2 want_status=$3 want_sub=$4 want_code=$5; shift 6
  local out rc=0
  out=$("$@" 2> "$TMP/err") || rc=$?
  local got
  got=$(printf '%s' "$out" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read().splitlines()[-1])
if "signatures" in r:
    s = r["signatures"][0]
    status = {"TOTAL_PASSED": "VALID", "TOTAL_FAILED": "INVALID"}.get(s["indication"], "INDETERMINATE")
    print(status, s["sub_indication"], " ".join(x["code"] for x in s["reasons"]), s["checks"]["revocation"])
else:
    print(r["status"], r["sub_indication"], " ".join(x["code"] for x in r["reasons"]))
' 2> /dev/null || echo "unparsable")
  read -r status sub codes <<< "$got"
  if [[ $rc == "$want_exit" && $status == "$want_status" && $sub == "$want_sub" && " $codes " == *" $want_code "* ]]; then
    ok "$name"
  else
    ko "$name (exit $rc, got: $got)"; sed 's/^/        /' "$TMP/err" | head -5
  fi
}

TRUST=(--trust "$PKI/root-g2.pem" --intermediate "$PKI/ca-g2.pem")
JAN=2026-01-01T00:00:00Z
expect "cert good (OCSP online)" 0 VALID None REVOCATION_GOOD -- \
  "$KYSO" cert verify "$PKI/ca-nhan.pem" "${TRUST[@]}" --at $JAN --online --json
# Issuers are fetched only from allowed prefixes (the default allows the Government CA alone).
expect "cert good, issuing CA from AIA caIssuers (allowed prefix)" 0 VALID None REVOCATION_GOOD -- \
  "$KYSO" cert verify "$PKI/to-chuc.pem" --trust "$PKI/root-g2.pem" --at $JAN --online --json \
  --fetch-allow "http://127.0.0.1:$PORT/crt/"
expect "cert, AIA caIssuers off the allow-list: not fetched" 1 INDETERMINATE NO_CERTIFICATE_CHAIN_FOUND NO_CERTIFICATE_CHAIN_FOUND -- \
  "$KYSO" cert verify "$PKI/to-chuc.pem" --trust "$PKI/root-g2.pem" --at $JAN --online --json
expect "cert revoked (OCSP online)" 1 INVALID REVOKED CERT_REVOKED -- \
  "$KYSO" cert verify "$PKI/revoked.pem" "${TRUST[@]}" --at $JAN --online --json
expect "cert revoked after the validation time" 0 VALID None CERT_REVOKED_AFTER_SIGNING -- \
  "$KYSO" cert verify "$PKI/revoked.pem" "${TRUST[@]}" --at 2025-03-01T00:00:00Z --online --json
expect "cert suspended (OCSP online)" 1 INDETERMINATE TRY_LATER CERT_SUSPENDED -- \
  "$KYSO" cert verify "$PKI/ec-p256.pem" "${TRUST[@]}" --at $JAN --online --json
expect "cert suspended (CRL file)" 1 INDETERMINATE TRY_LATER CERT_SUSPENDED -- \
  "$KYSO" cert verify "$PKI/ec-p256.pem" "${TRUST[@]}" --at $JAN --crl "$DATA/crl/ca-g2.crl" --crl "$PKI/root-g2.crl.der" --json
expect "cert revoked (CRL file, offline)" 1 INVALID REVOKED CERT_REVOKED -- \
  "$KYSO" cert verify "$PKI/revoked.pem" "${TRUST[@]}" --at $JAN --crl "$PKI/ca-g2.crl.pem" --crl "$PKI/root-g2.crl.der" --json
expect "cert without revocation data" 1 INDETERMINATE TRY_LATER REVOCATION_UNAVAILABLE -- \
  "$KYSO" cert verify "$PKI/ca-nhan.pem" "${TRUST[@]}" --at $JAN --json
expect "cert --no-revocation" 0 VALID None REVOCATION_SKIPPED -- \
  "$KYSO" cert verify "$PKI/ca-nhan.pem" "${TRUST[@]}" --at $JAN --no-revocation --json
expect "cert expired (G2 leaf, 2026)" 1 INDETERMINATE OUT_OF_BOUNDS_NO_POE CERT_EXPIRED -- \
  "$KYSO" cert verify "$PKI/expired.pem" "${TRUST[@]}" --at $JAN --online --json

# PDFs signed now with the test keys (software PKCS#12), verified online.
export KYSO_REV_P12_PASSWORD=kyso-test
for who in ca-nhan revoked ec-p256; do
  "$KYSO" sign "$WORK/pdf/plain.pdf" -o "$TMP/$who.pdf" --p12 "$PKI/$who.p12" \
    --password-env KYSO_REV_P12_PASSWORD 2> "$TMP/sign.log" || { ko "sign with $who"; cat "$TMP/sign.log"; }
done
expect "pdf good (verify --online)" 0 VALID None REVOCATION_GOOD -- \
  "$KYSO" verify "$TMP/ca-nhan.pdf" "${TRUST[@]}" --online --json
expect "pdf revoked (verify --online)" 1 INVALID REVOKED CERT_REVOKED -- \
  "$KYSO" verify "$TMP/revoked.pdf" "${TRUST[@]}" --online --json
expect "pdf suspended (verify --online)" 1 INDETERMINATE TRY_LATER CERT_SUSPENDED -- \
  "$KYSO" verify "$TMP/ec-p256.pdf" "${TRUST[@]}" --online --json
expect "pdf revoked (verify --crl)" 1 INVALID REVOKED CERT_REVOKED -- \
  "$KYSO" verify "$TMP/revoked.pdf" "${TRUST[@]}" --crl "$PKI/ca-g2.crl.der" --crl "$PKI/root-g2.crl.der" --json
expect "pdf without --online: no data" 1 INDETERMINATE TRY_LATER REVOCATION_UNAVAILABLE -- \
  "$KYSO" verify "$TMP/ca-nhan.pdf" "${TRUST[@]}" --json

# CRLs embedded in the document's DSS (an incremental update added by add-dss.py): used offline.
for who in ca-nhan revoked; do
  python3 tests/revocation/add-dss.py "$TMP/$who.pdf" "$TMP/$who-dss.pdf" "$PKI/ca-g2.crl.der" "$PKI/root-g2.crl.der" \
    || ko "add DSS to $who.pdf"
done
expect "pdf good, CRLs from its DSS (offline)" 0 VALID None REVOCATION_GOOD -- \
  "$KYSO" verify "$TMP/ca-nhan-dss.pdf" "${TRUST[@]}" --json
expect "pdf revoked, CRLs from its DSS (offline)" 1 INVALID REVOKED CERT_REVOKED -- \
  "$KYSO" verify "$TMP/revoked-dss.pdf" "${TRUST[@]}" --json

# ---- 3. Unreachable: stop the server ----
stop_server
expect "cert, server unreachable" 1 INDETERMINATE TRY_LATER REVOCATION_UNAVAILABLE -- \
  "$KYSO" cert verify "$PKI/ca-nhan.pem" "${TRUST[@]}" --at $JAN --online --json
expect "pdf, server unreachable" 1 INDETERMINATE TRY_LATER REVOCATION_UNAVAILABLE -- \
  "$KYSO" verify "$TMP/ca-nhan.pdf" "${TRUST[@]}" --online --json

echo "revocation: $pass passed, $fail failed"
[[ $fail == 0 ]]
