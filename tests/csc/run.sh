#!/usr/bin/env bash
# Remote signing suite (issue 17, CSC signer): the kyso CLI signs through tests/csc/server.py, a
# Cloud Signature Consortium API server on 127.0.0.1 holding test-PKI keys, then
#   1. every Decree 30 profile `kyso sign` offers (and an invisible signature), synchronously (v2
#      and v1) and asynchronously (v2, the user confirming at the second poll): kyso verify says
#      VALID, pyHanko (`sign validate`, the test root as the only anchor) and poppler's pdfsig
#      accept the file;
#   2. a batch of documents under one credentials/authorize (numSignatures = 3), judged the same;
#   3. refusals: a server signing another hash than the one sent, a wrong PIN, an expired token
#      and a stopped server each fail with the clerk's message and write no file;
#   4. HTTPS (kyso-cli built with its csc-tls feature): a loopback TLS server whose certificate
#      comes from a throw-away CA: signing works with --csc-ca, fails (UnknownIssuer) without it;
#      the plain build refuses https:// URLs.
# Needs tests/work (bash tests/run.sh builds it) and tests/.venv (pyHanko, cryptography).
# Prints "N passed, M failed"; exits 1 on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export KYSO_PYHANKO=${KYSO_PYHANKO:-$ROOT/tests/.venv/bin/pyhanko}
PY=$(dirname "$KYSO_PYHANKO")/python
[[ -f $PKI/ca-g2.pem ]] || { echo "csc: $PKI missing: run bash tests/run.sh first" >&2; exit 1; }
[[ -x $PY ]] || { echo "csc: $PY missing: run bash tests/setup.sh first" >&2; exit 1; }
ROOT_PEM=$PKI/root-g2.pem
CA_PEM=$PKI/ca-g2.pem

TMP=$(mktemp -d)
PIDS=()
stop_servers() { for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done; }
trap 'stop_servers; rm -rf "$TMP"' EXIT INT TERM

# start_server NAME FLAGS... : a CSC server on a free loopback port; sets URL_<NAME> (base, no version).
start_server() {
  local name=$1; shift
  "$PY" tests/csc/server.py --pki "$PKI" --port-file "$TMP/$name.port" --calls "$TMP/$name.calls" \
    --lifetime 900 "$@" > /dev/null 2>> "$TMP/$name.log" &
  PIDS+=($!)
  for _ in $(seq 100); do [[ -s $TMP/$name.port ]] && break; sleep 0.1; done
  [[ -s $TMP/$name.port ]] || { cat "$TMP/$name.log" >&2; exit 1; }
  printf -v "URL_$name" 'http://127.0.0.1:%s/csc' "$(cat "$TMP/$name.port")"
}

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "  ok    $1"; }
ko() { fail=$((fail + 1)); echo "  FAIL  $1"; }
run() { # run NAME CMD... : must exit 0
  local name=$1; shift
  if "$@" > "$TMP/out" 2>&1; then ok "$name"; else ko "$name"; sed 's/^/        /' "$TMP/out" | tail -12; fi
}

cargo build -q -p kyso-cli
KYSO=$CARGO_TARGET_DIR/debug/kyso
export CSC_TOKEN=test-token CSC_PIN=1234
python3 tests/render/make-images.py "$TMP" > /dev/null
IN=$WORK/pdf/plain.pdf

start_server main --confirm-after 2
start_server wronghash --wrong-hash
start_server expired --expired-token
echo "csc: CSC servers on $URL_main, $URL_wronghash, $URL_expired"

csc_sign() { # csc_sign URL CREDENTIAL MODE ARGS... (MODE: sync, v1, async; none: URL as given)
  local url=$1 cred=$2 mode=$3; shift 3
  local extra=()
  case $mode in
    none) ;;
    sync) url=$url/v2 ;;
    v1) url=$url/v1; extra=(--csc-api v1) ;;
    async) url=$url/v2; extra=(--csc-async --csc-poll-ms 100) ;;
  esac
  "$KYSO" sign "$@" --csc "$url" --csc-credential "$cred" --csc-token-env CSC_TOKEN \
    --csc-pin-env CSC_PIN "${extra[@]}"
}
verdict_valid() { # verdict_valid FILE : kyso verify says VALID
  "$KYSO" verify "$1" --trust "$ROOT_PEM" --no-revocation --json \
    | python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["verdict"]); sys.exit(r["verdict"] != "VALID")'
}
judges() { # judges FILE : kyso, pyHanko and pdfsig accept every signature
  local f=$1 n; n=$(basename "$f")
  run "$n: kyso verify VALID" verdict_valid "$f"
  run "$n: pyHanko" bash tests/interop/pyhanko-validate.sh "$f" "$ROOT_PEM" "$CA_PEM"
  run "$n: pdfsig" bash tests/interop/pdfsig-validate.sh "$f" "$ROOT_PEM" "$CA_PEM"
}

echo "== 1. every profile, synchronous (v2 and v1) and asynchronous"
for mode in sync v1 async; do
  # Invisible, then approval (individual) followed by issuance (organisation, seal) on it.
  out=$TMP/$mode-invisible.pdf
  run "$mode invisible signs" csc_sign "$URL_main" ca-nhan "$mode" "$IN" -o "$out"
  judges "$out"
  out=$TMP/$mode-approval.pdf
  run "$mode approval signs" csc_sign "$URL_main" ca-nhan "$mode" "$IN" -o "$out" \
    --profile approval --image "$TMP/signature.png" --rect 350,150,150,60
  judges "$out"
  run "$mode issuance signs" csc_sign "$URL_main" to-chuc "$mode" "$out" -o "$TMP/$mode-issuance.pdf" \
    --profile issuance --image "$TMP/seal.png"
  judges "$TMP/$mode-issuance.pdf"
  for profile in attachment copy appendix income comment; do
    cred=to-chuc
    case $profile in
      attachment) args=(--doc-number "125/QĐ-UBND") ;;
      copy) args=(--copy-type "SAO Y" --organization "Văn phòng Ủy ban nhân dân tỉnh Gia Lai") ;;
      appendix) args=(--doc-number "125/SKHCN-VP") ;;
      income) args=(--organization "Sở Nội vụ tỉnh Gia Lai" --income-number 1234) ;;
      comment) cred=ec-p256; args=(--rect 70,300,260,70 --text "Đồng ý; ký từ xa qua CSC") ;;
    esac
    out=$TMP/$mode-$profile.pdf
    run "$mode $profile signs ($cred)" csc_sign "$URL_main" "$cred" "$mode" "$IN" -o "$out" \
      --profile "$profile" "${args[@]}"
    judges "$out"
  done
done
polls=$(grep -c '"signatures/signPolling"' "$TMP/main.calls" || true)
asyncs=$(grep -c '"operationMode": "A"' "$TMP/main.calls" || true)
if [[ $asyncs -eq 8 && $polls -eq 16 ]]; then ok "asynchronous: 8 signatures, each confirmed at the 2nd poll"
else ko "asynchronous: $asyncs asynchronous signHash, $polls polls (want 8 and 16)"; fi

echo "== 2. a batch under one authorization"
mkdir -p "$TMP/batch"
for n in a b c; do cp "$IN" "$TMP/$n.pdf"; done
: > "$TMP/main.calls"
run "batch of 3 signs" csc_sign "$URL_main" ca-nhan async "$TMP/a.pdf" "$TMP/b.pdf" "$TMP/c.pdf" \
  --out-dir "$TMP/batch"
for n in a b c; do judges "$TMP/batch/$n.pdf"; done
auth=$(grep -c '"credentials/authorize"' "$TMP/main.calls" || true)
if [[ $auth -eq 1 ]] && grep -q '"numSignatures": 3' "$TMP/main.calls"; then
  ok "batch: one credentials/authorize with numSignatures 3"
else ko "batch: $auth authorizations"; cat "$TMP/main.calls"; fi

echo "== 3. refusals write nothing"
refused() { # refused NAME TEXT OUT CMD... : exits 2, stderr has TEXT, OUT does not exist
  local name=$1 text=$2 out=$3; shift 3
  if "$@" > "$TMP/out" 2>&1; then ko "$name (was accepted)"; return; fi
  if grep -q "$text" "$TMP/out" && [[ ! -e $out ]]; then ok "$name"
  else ko "$name"; sed 's/^/        /' "$TMP/out" | tail -5; fi
}
refused "a signature over another hash is refused" "không khớp" "$TMP/x1.pdf" \
  csc_sign "$URL_wronghash" ca-nhan sync "$IN" -o "$TMP/x1.pdf"
refused "wrong PIN" "Mã PIN không đúng" "$TMP/x2.pdf" \
  env CSC_PIN=0000 "$KYSO" sign "$IN" -o "$TMP/x2.pdf" --csc "$URL_main/v2" --csc-credential ca-nhan \
  --csc-token-env CSC_TOKEN --csc-pin-env CSC_PIN
refused "expired token" "hết hạn" "$TMP/x3.pdf" \
  csc_sign "$URL_expired" ca-nhan sync "$IN" -o "$TMP/x3.pdf"
stop_servers; PIDS=()
refused "server down" "Không kết nối được" "$TMP/x4.pdf" \
  csc_sign "$URL_main" ca-nhan sync "$IN" -o "$TMP/x4.pdf"

echo "== 4. HTTPS"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls-ca.key" -out "$TMP/tls-ca.pem" -days 2 \
  -subj "/CN=kyso test TLS CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2> /dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" -out "$TMP/tls.csr" -subj "/CN=127.0.0.1" 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$TMP/tls.ext"
openssl x509 -req -in "$TMP/tls.csr" -CA "$TMP/tls-ca.pem" -CAkey "$TMP/tls-ca.key" -CAcreateserial \
  -days 2 -extfile "$TMP/tls.ext" -out "$TMP/tls.pem" 2> /dev/null
start_server tls --tls-cert "$TMP/tls.pem" --tls-key "$TMP/tls.key"
HTTPS=${URL_tls/http:/https:}/v2
refused "the plain build refuses https://" "csc-tls" "$TMP/t0.pdf" \
  csc_sign "$HTTPS" ca-nhan none "$IN" -o "$TMP/t0.pdf"
cargo build -q -p kyso-cli --features csc-tls
cp "$KYSO" "$TMP/kyso-tls"
cargo build -q -p kyso-cli # the plain binary back, for the suites after this one
KYSO=$TMP/kyso-tls
run "https with the service's CA signs" csc_sign "$HTTPS" ca-nhan none "$IN" -o "$TMP/tls.pdf" \
  --csc-ca "$TMP/tls-ca.pem"
judges "$TMP/tls.pdf"
refused "https without the service's CA is refused" "UnknownIssuer" "$TMP/t1.pdf" \
  csc_sign "$HTTPS" ca-nhan none "$IN" -o "$TMP/t1.pdf"

echo "csc: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
