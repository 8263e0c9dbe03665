#!/usr/bin/env bash
# Interop tests of the kyso CLI against independent judges (pyHanko, poppler's pdfsig).
#
#   bash tests/interop/run-interop.sh
#
# Needs tests/work/ built (tests/run.sh does it; KYSO_TEST_WORK may point elsewhere) and builds
# target/debug/kyso unless KYSO_BIN names a binary. Signs the fixtures with a PKCS#12 file and with SoftHSM,
# checks every output with pyhanko-validate.sh and pdfsig-validate.sh, and checks `kyso verify` on
# pyHanko-made PDFs. Each check's output goes to tests/work/interop/logs/NAME.log (printed on failure).
# Last line: "N passed, M failed"; exit 1 if M > 0.
#
# CLI contract used here:
#   kyso sign IN.pdf -o OUT.pdf (--p12 FILE --password-env VAR | --pkcs11-module LIB --token LABEL
#                                --key-label LABEL --pin-env VAR) [--sub-filter adbe.pkcs7.detached]
#   kyso verify FILE.pdf --trust PATH [--intermediate PATH ...] [--at RFC3339] [--no-revocation] [--json]
#     exit 0 = VALID, 1 = INVALID (other non-zero codes: not valid either); --json prints kyso.report/1
set -uo pipefail   # no -e: a failing check is counted, not fatal

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/interop
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
PDF=$WORK/pdf
OUT=$WORK/interop
LOGS=$OUT/logs
PYTHON=$(dirname "${KYSO_PYHANKO:-$ROOT/tests/.venv/bin/pyhanko}")/python
export SOFTHSM2_CONF=${SOFTHSM2_CONF:-$WORK/softhsm/softhsm2.conf}
MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
# Secrets are passed by variable name, never on the command line.
export KYSO_P12_PASSWORD=kyso-test
export KYSO_TOKEN_PIN=1234

rm -rf "$OUT"
mkdir -p "$LOGS"
passed=0 failed=0 failures=()

# check NAME CMD...: runs CMD with its output in the log; PASS when it exits 0.
check() {
  local name=$1 rc=0; shift
  "$@" > "$LOGS/$name.log" 2>&1 || rc=$?
  if [[ $rc -eq 0 ]]; then
    passed=$((passed + 1)); echo "PASS $name"; return 0
  else
    failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc): $*"
    sed 's/^/    | /' "$LOGS/$name.log" | tail -40
    return 1
  fi
}

# expect_exit CODE CMD...: succeeds when CMD exits with exactly CODE.
expect_exit() {
  local want=$1; shift
  local rc=0
  "$@" || rc=$?
  echo "exit code $rc (expected $want)"
  [[ $rc -eq $want ]]
}

# verify_json FILE.pdf WANT_EXIT WANT_VERDICTS [kyso verify args...]: runs kyso verify --json and checks
# the exit code (a number, or "nonzero") and the report's "verdict" (schema kyso.report/1) against a
# |-separated list.
verify_json() {
  local file=$1 want_rc=$2 want_verdict=$3; shift 3
  local json rc=0
  json=$(mktemp "$LOGS/report.XXXXXX.json")
  "$KYSO" verify "$file" --json "$@" > "$json" || rc=$?
  cat "$json"
  echo "exit code $rc (expected $want_rc)"
  "$PYTHON" - "$json" "$want_verdict" <<'PY' || return 1
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit(f"stdout is not a JSON report: {e}")
if report.get("schema") != "kyso.report/1":
    sys.exit(f"schema is {report.get('schema')!r}, expected 'kyso.report/1'")
if report.get("verdict") not in sys.argv[2].split("|"):
    sys.exit(f"verdict is {report.get('verdict')!r}, expected {sys.argv[2]}")
print("verdict", report["verdict"], "as expected")
PY
  if [[ $want_rc == nonzero ]]; then [[ $rc -ne 0 ]]; else [[ $rc -eq $want_rc ]]; fi
}

# Both judges on one signed output: every signature intact, valid and trusted under the G2 test root.
judge() {  # judge NAME FILE
  check "$1.pyhanko" bash "$HERE/pyhanko-validate.sh" "$2" "$PKI/root-g2.pem" "$PKI/ca-g2.pem"
  check "$1.pdfsig" bash "$HERE/pdfsig-validate.sh" "$2" "$PKI/root-g2.pem" "$PKI/ca-g2.pem"
}

# ---- The judges themselves, on pyHanko's own output (so a failure below is about kyso) ----
judge judges-baseline "$PDF/pyhanko-signed.pdf"
check judges-baseline.pyhanko-rejects-modified expect_exit 1 \
  bash "$HERE/pyhanko-validate.sh" "$PDF/pyhanko-signed-modified.pdf" "$PKI/root-g2.pem" "$PKI/ca-g2.pem"

# ---- Build the CLI ----
KYSO=${KYSO_BIN:-$ROOT/target/debug/kyso}
if [[ -z ${KYSO_BIN:-} ]]; then
  check build-kyso cargo build --quiet -p kyso-cli --bin kyso --manifest-path "$ROOT/Cargo.toml"
fi

if [[ -x $KYSO ]]; then
  # ---- Sign with a PKCS#12 file: every unsigned fixture, individual signer ----
  for f in plain classic-xref xref-stream acroform sig-field multipage rotate90; do
    out=$OUT/p12-$f.pdf
    if check "sign-p12.$f" "$KYSO" sign "$PDF/$f.pdf" -o "$out" \
         --p12 "$PKI/ca-nhan.p12" --password-env KYSO_P12_PASSWORD; then
      judge "sign-p12.$f" "$out"
    fi
  done
  # sig-field.pdf has one empty signature field, Sig1: the signature should go into it, not into a new one.
  if [[ -f $OUT/p12-sig-field.pdf ]]; then
    check sign-p12.sig-field.fills-Sig1 bash -c 'out=$(pdfsig -nocert "$1" 2>&1); echo "$out";
      [[ $(grep -c "^Signature #" <<< "$out") -eq 1 ]] && grep -q "Field Name: Sig1" <<< "$out" &&
      ! grep -q "not signed" <<< "$out"' _ "$OUT/p12-sig-field.pdf"
  fi

  # Other key types and the explicit sub-filter.
  for s in to-chuc ec-p256; do
    out=$OUT/p12-plain-$s.pdf
    if check "sign-p12-$s" "$KYSO" sign "$PDF/plain.pdf" -o "$out" \
         --p12 "$PKI/$s.p12" --password-env KYSO_P12_PASSWORD; then
      judge "sign-p12-$s" "$out"
    fi
  done
  out=$OUT/p12-plain-pkcs7.pdf
  if check sign-p12-subfilter "$KYSO" sign "$PDF/plain.pdf" -o "$out" --p12 "$PKI/ca-nhan.p12" \
       --password-env KYSO_P12_PASSWORD --sub-filter adbe.pkcs7.detached; then
    judge sign-p12-subfilter "$out"
  fi

  # ---- Sign on the SoftHSM token ----
  # The token holds the issuing CA's certificate (as VGCA tokens do): the signature embeds the
  # chain, so each judge validates it with the root as its only certificate.
  for label in ca-nhan to-chuc; do
    out=$OUT/pkcs11-plain-$label.pdf
    if check "sign-pkcs11-$label" "$KYSO" sign "$PDF/plain.pdf" -o "$out" --pkcs11-module "$MODULE" \
         --token kyso-test --key-label "$label" --pin-env KYSO_TOKEN_PIN; then
      judge "sign-pkcs11-$label" "$out"
      check "sign-pkcs11-$label.root-only.pyhanko" bash "$HERE/pyhanko-validate.sh" "$out" "$PKI/root-g2.pem"
      check "sign-pkcs11-$label.root-only.pdfsig" bash "$HERE/pdfsig-validate.sh" "$out" "$PKI/root-g2.pem"
      check "sign-pkcs11-$label.root-only.kyso" verify_json "$out" 0 VALID --no-revocation \
        --trust "$PKI/root-g2.pem"
    fi
  done

  # ---- The approve-then-issue workflow: individual (token), then organisation (p12) on top ----
  if [[ -f $OUT/pkcs11-plain-ca-nhan.pdf ]]; then
    out=$OUT/two-signatures.pdf
    if check sign-second "$KYSO" sign "$OUT/pkcs11-plain-ca-nhan.pdf" -o "$out" \
         --p12 "$PKI/to-chuc.p12" --password-env KYSO_P12_PASSWORD; then
      judge sign-second "$out"
    fi
  fi

  # ---- Certification signatures (DocMDP): certify P=2, then an approval on top; P=1 refuses more ----
  out=$OUT/certified-p2.pdf
  if check sign-certify-p2 "$KYSO" sign "$PDF/plain.pdf" -o "$out" --certify 2 \
       --p12 "$PKI/to-chuc.p12" --password-env KYSO_P12_PASSWORD; then
    judge sign-certify-p2 "$out"
    if check sign-after-certify-p2 "$KYSO" sign "$out" -o "$OUT/certified-p2-approved.pdf" \
         --p12 "$PKI/ca-nhan.p12" --password-env KYSO_P12_PASSWORD; then
      judge sign-after-certify-p2 "$OUT/certified-p2-approved.pdf"
    fi
  fi
  out=$OUT/certified-p1.pdf
  if check sign-certify-p1 "$KYSO" sign "$PDF/plain.pdf" -o "$out" --certify 1 \
       --p12 "$PKI/to-chuc.p12" --password-env KYSO_P12_PASSWORD; then
    judge sign-certify-p1 "$out"
    # A further signature is refused (exit 2) and nothing is written.
    check sign-after-certify-p1-refused bash -c '"$1" sign "$2" -o "$3" --p12 "$4" \
      --password-env KYSO_P12_PASSWORD; rc=$?; echo "exit $rc"; [[ $rc -eq 2 && ! -e $3 ]]' \
      _ "$KYSO" "$out" "$OUT/certified-p1-refused.pdf" "$PKI/ca-nhan.p12"
  fi
  # A certificate that may not sign (the TSA's: timeStamping only) is refused before signing.
  check sign-tsa-key-refused bash -c '"$1" sign "$2" -o "$3" --p12 "$4" \
    --password-env KYSO_P12_PASSWORD 2> "$3.err"; rc=$?; cat "$3.err"; echo "exit $rc";
    [[ $rc -eq 2 && ! -e $3 ]] && grep -q EXTENDED_KEY_USAGE_NOT_FOR_SIGNING "$3.err"' \
    _ "$KYSO" "$PDF/plain.pdf" "$OUT/tsa-signed.pdf" "$PKI/tsa.p12"

  # ---- kyso verify on pyHanko's signatures ----
  check verify-pyhanko-signed verify_json "$PDF/pyhanko-signed.pdf" 0 VALID \
    --no-revocation --trust "$PKI/root-g2.pem"
  check verify-pyhanko-twice verify_json "$PDF/pyhanko-signed-twice.pdf" 0 VALID \
    --no-revocation --trust "$PKI/root-g2.pem"
  check verify-pyhanko-modified verify_json "$PDF/pyhanko-signed-modified.pdf" 1 INVALID \
    --no-revocation --trust "$PKI/root-g2.pem"
  # Only the leaf embedded (as in real government PDFs): the intermediate comes from the caller.
  check verify-pyhanko-leaf-only verify_json "$PDF/pyhanko-signed-leaf-only.pdf" 0 VALID \
    --no-revocation --trust "$PKI/root-g2.pem" --intermediate "$PKI/ca-g2.pem"
  # Wrong trust anchor: must not be VALID (exit code left to the CLI, any non-zero).
  check verify-pyhanko-untrusted verify_json "$PDF/pyhanko-signed.pdf" nonzero "INVALID|INDETERMINATE" \
    --no-revocation --trust "$PKI/root-g1.pem"

  # ---- kyso verify on its own output ----
  if [[ -f $OUT/p12-plain.pdf ]]; then
    check verify-own-p12 verify_json "$OUT/p12-plain.pdf" 0 VALID --no-revocation --trust "$PKI/root-g2.pem"
  fi

  # ---- certificate lifecycle on a fresh token: key pair on the token, request, issued cert back ----
  lifecycle() {
    local d=$OUT/lifecycle
    rm -rf "$d" && mkdir -p "$d/tokens"
    printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$d/tokens" > "$d/softhsm2.conf"
    SOFTHSM2_CONF=$d/softhsm2.conf softhsm2-util --init-token --free --label lifecycle \
      --so-pin 12345678 --pin 1234 > /dev/null || return 1
    SOFTHSM2_CONF=$d/softhsm2.conf "$KYSO" token keygen --pkcs11-module "$MODULE" --token lifecycle \
      --pin-env KYSO_TOKEN_PIN --label moi --subject "CN=Trần Thị Bình,title=Chuyên viên,O=Sở Khoa học và Công nghệ tỉnh Gia Lai,C=VN" \
      -o "$d/req.pem" || return 1
    openssl req -in "$d/req.pem" -verify -noout -subject -nameopt utf8 || return 1
    # The test CA issues the certificate; it goes back onto the token and signs a PDF.
    openssl x509 -req -in "$d/req.pem" -CA "$PKI/ca-g2.pem" -CAkey "$PKI/ca-g2.key.pem" \
      -set_serial 0x4242 -days 30 -sha256 -out "$d/cert.pem" 2> /dev/null || return 1
    SOFTHSM2_CONF=$d/softhsm2.conf "$KYSO" token import-cert --pkcs11-module "$MODULE" --token lifecycle \
      --pin-env KYSO_TOKEN_PIN --label moi "$d/cert.pem" || return 1
    SOFTHSM2_CONF=$d/softhsm2.conf "$KYSO" sign "$PDF/plain.pdf" -o "$d/signed.pdf" --pkcs11-module "$MODULE" \
      --token lifecycle --key-label moi --pin-env KYSO_TOKEN_PIN --chain "$PKI/ca-g2.pem" || return 1
    "$KYSO" verify "$d/signed.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  }
  check token-lifecycle lifecycle

  # ---- expiry and renewal on the same token: the 30-day certificate is due ----
  renewal() {
    local d=$OUT/lifecycle json state
    local -x SOFTHSM2_CONF=$d/softhsm2.conf
    json=$("$KYSO" token list --pkcs11-module "$MODULE" --pin-env KYSO_TOKEN_PIN --json) || return 1
    state=$(python3 -c 'import json, sys
t = [t for t in json.load(sys.stdin)["tokens"] if t["label"] == "lifecycle"][0]
print([k for k in t["keys"] if k["label"] == "moi"][0]["certificate_state"])' <<< "$json") || return 1
    [[ $state == expiring_soon ]] || { echo "token list: state $state"; return 1; }
    # The inventory says so with exit 1, and lists it in the CSV for the department.
    local rc=0
    "$KYSO" cert inventory --pkcs11-module "$MODULE" --pin-env KYSO_TOKEN_PIN --unit "Sở KH&CN tỉnh Gia Lai" \
      --format csv -o "$d/inventory.csv" || rc=$?
    [[ $rc -eq 1 ]] || { echo "inventory: exit code $rc, not 1"; return 1; }
    grep -q "Trần Thị Bình.*sắp hết hạn / expiring soon" "$d/inventory.csv" || return 1
    # Renewal: a new key pair, a request with the current subject byte for byte.
    "$KYSO" token renew-request --pkcs11-module "$MODULE" --token lifecycle --pin-env KYSO_TOKEN_PIN \
      --label moi --new-label moi-2027 -o "$d/renew.pem" || return 1
    openssl req -in "$d/renew.pem" -verify -noout || return 1
    cmp <(openssl req -in "$d/renew.pem" -noout -subject -nameopt RFC2253) \
      <(openssl x509 -in "$d/cert.pem" -noout -subject -nameopt RFC2253) || return 1
    ! cmp -s <(openssl req -in "$d/renew.pem" -noout -pubkey) <(openssl x509 -in "$d/cert.pem" -noout -pubkey)
  }
  check token-renewal renewal
else
  echo "FAIL: no kyso binary at $KYSO"
  failed=$((failed + 1)); failures+=(kyso-binary)
fi

echo
[[ $failed -gt 0 ]] && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
