#!/usr/bin/env bash
# Compares kyso with pyHanko, poppler's pdfsig and OpenSSL, and with the floors of issue 15, in ONE run on
# the same machine, and reports RATIOS and peak memory, never absolute-time verdicts (the machine is shared
# and noisy). See tests/bench/README.md.
#
#   bash tests/bench/compare.sh [--quick] [-n N] [--warmup W] [--no-100mb|--with-100mb] [--letters L]
#                               [--seed S] [--scratch DIR] [--update-readme]
#
#   --quick          N=5 and no 100 MB scan (CI smoke use)
#   -n N             timed runs per command (default 15), after W warm-up runs (default 2)
#   --no-100mb       leave out the 100 MB scan (200 pages); --with-100mb keeps it even with --quick
#   --letters L      small signed letters in the many-documents rows (default 400)
#   --scratch DIR    where the timed sign runs write (default tests/bench/out); e.g. /dev/shm to take the
#                    disk (and kyso's fsync of its atomic write) out of the sign times
#   --update-readme  at the end, regenerate the table in the root README.md from results.json
#
# Environment: KYSO_BIN (a kyso binary; otherwise `cargo build --release -p kyso-cli` into
# CARGO_TARGET_DIR or target/), KYSO_PYHANKO (default tests/.venv/bin/pyhanko), KYSO_TEST_WORK (default
# tests/work; built with tests/pki/make-pki.sh and tests/fixtures/make-pdfs.sh when missing),
# KYSO_CORPORA (default ../shared/corpora, read in place, never copied), KYSO_WASM_NODE_PKG (default
# $KYSO_TEST_WORK/bindings/wasm/nodejs: the Node build of the WASM verifier; its rows are skipped with a
# warning when it is missing, as pdfsig's are without poppler-utils).
#
# Every command is run as a separate process (start-up included for every tool); a no-op per tool
# (`kyso --version`, `pyhanko --version`, `openssl version`, `pdfsig -v`, the WASM package loaded by Node)
# is timed too, for start-up-adjusted ratios. Every output is checked before and after timing (kyso, pyHanko
# and pdfsig must all find the signed PDFs valid, OpenSSL must verify its CMS) and every timed run must
# exit 0: otherwise the script fails loudly. Writes tests/bench/out/ (gitignored): the work files and
# results.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
OUT=$HERE/out
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
PDF=$WORK/pdf
PYHANKO=${KYSO_PYHANKO:-$ROOT/tests/.venv/bin/pyhanko}
CORPORA=${KYSO_CORPORA:-$ROOT/../shared/corpora}
WASM_PKG=${KYSO_WASM_NODE_PKG:-$WORK/bindings/wasm/nodejs}
PYTHON=${PYTHON:-python3}

RUNS=15 WARMUP=2 SEED=1 SCRATCH= QUICK=0 BIG= LETTERS=400 UPDATE_README=0
usage() { sed -n '6,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) RUNS=5 QUICK=1; shift ;;
    -n|--runs) RUNS=${2:?-n needs a number}; shift 2 ;;
    --warmup) WARMUP=${2:?--warmup needs a number}; shift 2 ;;
    --no-100mb) BIG=0; shift ;;
    --with-100mb) BIG=1; shift ;;
    --letters) LETTERS=${2:?--letters needs a number}; shift 2 ;;
    --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
    --scratch) SCRATCH=${2:?--scratch needs a directory}; shift 2 ;;
    --update-readme) UPDATE_README=1; shift ;;
    -h|--help) usage ;;
    *) echo "compare.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ && $LETTERS =~ ^[1-9][0-9]*$ && $SEED =~ ^[0-9]+$ ]] \
  || { echo "compare.sh: -n, --warmup, --letters and --seed take whole numbers (-n, --letters >= 1)" >&2; exit 2; }
[[ -n $BIG ]] || BIG=$((QUICK ? 0 : 1))

die() { echo "compare.sh: FAIL: $*" >&2; exit 1; }
warn() { echo "compare.sh: warning: $*" >&2; }
step() { echo; echo "==== $* ===="; }

# ---- tools ----
step "tools"
command -v "$PYTHON" > /dev/null || die "$PYTHON not found"
command -v openssl > /dev/null || die "openssl not found"
[[ -x $PYHANKO ]] || die "pyHanko not found at $PYHANKO (run: bash tests/setup.sh)"
if [[ -n ${KYSO_BIN:-} ]]; then
  KYSO=$KYSO_BIN
else
  echo "cargo build --release -p kyso-cli (CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target})"
  (cd "$ROOT" && cargo build --release -p kyso-cli) || die "cargo build failed"
  KYSO=${CARGO_TARGET_DIR:-$ROOT/target}/release/kyso
fi
[[ -x $KYSO ]] || die "no kyso binary at $KYSO"
KYSO=$(cd "$(dirname "$KYSO")" && pwd)/$(basename "$KYSO")
OPENSSL=$(command -v openssl)
echo "kyso:    $KYSO ($("$KYSO" --version))"
echo "pyHanko: $PYHANKO ($("$PYHANKO" --version))"
echo "openssl: $OPENSSL ($("$OPENSSL" version))"
HAVE_PDFSIG=0 PDFSIG=
if PDFSIG=$(command -v pdfsig); then
  HAVE_PDFSIG=1
  echo "pdfsig:  $PDFSIG ($("$PDFSIG" -v 2>&1 | head -n 1))"
else
  warn "pdfsig not found (Debian: poppler-utils): the pdfsig rows are skipped"
fi
HAVE_WASM=0 NODE= WASM_BUILT=
if ! NODE=$(command -v node); then
  warn "node not found: the WASM rows are skipped"
elif [[ ! -f $WASM_PKG/kyso_wasm.js ]]; then
  warn "no Node build of the WASM verifier at $WASM_PKG (kyso_wasm.js; make one with"
  warn "  bash bindings/wasm/build.sh DIR, then KYSO_WASM_NODE_PKG=DIR/nodejs): the WASM rows are skipped"
else
  HAVE_WASM=1
  WASM_PKG=$(cd "$WASM_PKG" && pwd)
  wasm_file=$WASM_PKG/kyso_wasm_bg.wasm
  [[ -f $wasm_file ]] || wasm_file=$WASM_PKG/kyso_wasm.js
  WASM_BUILT=$(date -u -d "@$(stat -c %Y "$wasm_file")" '+%Y-%m-%d %H:%M UTC')
  echo "WASM:    $WASM_PKG (built $WASM_BUILT; node $("$NODE" --version))"
  # A package older than the code it was built from measures old code: say so (the rows still run).
  last_change=$(git -C "$ROOT" log -1 --format=%ct -- crates bindings/wasm Cargo.lock 2> /dev/null || true)
  if [[ -n $last_change && $(stat -c %Y "$wasm_file") -lt $last_change ]]; then
    warn "the WASM package (built $WASM_BUILT) is older than the last commit to crates/ or bindings/wasm"
    warn "  ($(date -u -d "@$last_change" '+%Y-%m-%d %H:%M UTC')): its rows measure older code than the native"
    warn "  kyso; rebuild with bash bindings/wasm/build.sh DIR and set KYSO_WASM_NODE_PKG=DIR/nodejs"
  fi
fi

# ---- test data ----
step "test data"
if [[ ! -f $PKI/ca-nhan.p12 || ! -f $PKI/root-g2.pem ]]; then
  bash "$ROOT/tests/pki/make-pki.sh" "$PKI"
fi
if [[ ! -f $PDF/plain.pdf ]]; then
  bash "$ROOT/tests/fixtures/make-pdfs.sh" "$PDF" "$PKI"
fi
for f in "$PKI"/{ca-nhan.p12,ca-nhan.pem,ca-nhan.key.pem,ca-g2.pem,root-g2.pem} "$PDF/plain.pdf"; do
  [[ -f $f ]] || die "missing $f"
done

rm -rf "$OUT"
mkdir -p "$OUT/check"
# RUN: where the timed sign commands write their outputs.
if [[ -n $SCRATCH ]]; then
  [[ -d $SCRATCH ]] || die "--scratch $SCRATCH is not a directory"
  RUN=$(mktemp -d "$SCRATCH/kyso-bench.XXXXXX")
  trap 'rm -rf "$RUN"' EXIT
  echo "timed sign outputs go to $RUN ($(df -T "$RUN" | awk 'NR==2 {print $2}'))"
else
  RUN=$OUT
fi
cd "$OUT"   # pyHanko reads ./pyhanko.yml if there is one: run where there is none
export KYSO_BENCH_PASSWORD=kyso-test
(umask 077 && printf '%s' "$KYSO_BENCH_PASSWORD" > "$OUT/p12-pass")

size() { stat -c %s "$1"; }
human_size() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "${1}B"; }
declare -A INPUT LABEL
INPUT[small]=$OUT/small-1p.pdf
cp "$PDF/plain.pdf" "${INPUT[small]}"
LABEL[small]="1 page, $(human_size "$(size "${INPUT[small]}")")"
# The scans: every page one incompressible image (as a scanned, signed-and-stamped paper document is).
SCANS=(scan100k scan10m)
[[ $BIG -eq 1 ]] && SCANS+=(scan100m)
declare -A SCAN_PAGES=([scan100k]=1 [scan10m]=20 [scan100m]=200)
declare -A SCAN_KB=([scan100k]=96 [scan10m]=504 [scan100m]=504)
for s in "${SCANS[@]}"; do
  INPUT[$s]=$OUT/$s.pdf
  "$PYTHON" "$HERE/timing.py" make-pdf "${INPUT[$s]}" --pages "${SCAN_PAGES[$s]}" --image-kb "${SCAN_KB[$s]}"
  if command -v qpdf > /dev/null; then
    qpdf --check "${INPUT[$s]}" > "$OUT/check/qpdf-$s.log" 2>&1 \
      || { cat "$OUT/check/qpdf-$s.log"; die "qpdf rejects ${INPUT[$s]}"; }
  fi
  pages=${SCAN_PAGES[$s]}
  LABEL[$s]="scan, $pages page$([[ $pages -eq 1 ]] || echo s), $(human_size "$(size "${INPUT[$s]}")")"
done
SIZES=(small "${SCANS[@]}")
[[ $BIG -eq 1 ]] || echo "(no 100 MB scan: --no-100mb or --quick)"

GOV_PDF=$CORPORA/vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf
GOV_ROOT=$CORPORA/vn-gov/certs/vgca-g2/rootcag2.crt
GOV_CA=$CORPORA/vn-gov/certs/vgca-g2/cpcag2.crt
HAVE_GOV=1
for f in "$GOV_PDF" "$GOV_ROOT" "$GOV_CA"; do
  [[ -f $f ]] || { warn "$f not found: the Government PDF rows are skipped"; HAVE_GOV=0; }
done

# ---- the commands (argument arrays), as the spec for timing.py ----
SPEC=$OUT/spec.tsv
: > "$SPEC"
cmd() { local id=$1 tool=$2; shift 2; printf 'cmd\t%s\t%s' "$id" "$tool" >> "$SPEC"; printf '\t%s' "$@" >> "$SPEC"; echo >> "$SPEC"; }
# pair OPERATION INPUT KYSO_ID OTHER_ID OTHER_NAME NOTE [TARGET]: other ÷ kyso
pair() { local IFS=$'\t'; printf 'pair\t%s\n' "$*" >> "$SPEC"; }
# floor OPERATION INPUT KYSO_ID FLOOR_ID FLOOR_NAME TARGET|- NOTE: kyso ÷ floor
floor() { local IFS=$'\t'; printf 'floor\t%s\n' "$*" >> "$SPEC"; }
# rate ID COUNT UNIT LABEL: COUNT ÷ median
rate() { local IFS=$'\t'; printf 'rate\t%s\n' "$*" >> "$SPEC"; }

kyso_sign_p12() { "$KYSO" sign "$1" -o "$2" --p12 "$PKI/ca-nhan.p12" --password-env KYSO_BENCH_PASSWORD "${@:3}"; }
# pyHanko: same key (the same .p12), PAdES (ETSI.CAdES.detached, kyso's default), no time-stamp.
pyhanko_sign() { "$PYHANKO" sign addsig --field Sig1 --use-pades pkcs12 --passfile "$OUT/p12-pass" "$1" "$2" "$PKI/ca-nhan.p12"; }
pyhanko_validate_args=(sign validate --trust "$PKI/root-g2.pem" --trust-replace --no-revocation-check)
kyso_verify_args=(--trust "$PKI/root-g2.pem" --no-revocation --json)

# ---- checks: every output must be what it claims ----
# EXPECT=N before a check: exactly N signatures (default: at least one).
quiet() {  # quiet CMD...: runs CMD, shows its output only if it fails (and then fails)
  local log=$OUT/check/last-command.log
  "$@" > "$log" 2>&1 || { cat "$log" >&2; die "failed: $*"; }
}
# kyso_valid FILE [verify args...]: kyso verify --json says VALID (exit 0, schema kyso.report/1).
kyso_valid() {
  local file=$1 json rc=0; shift
  json=$OUT/check/$(basename "$file").kyso.json
  "$KYSO" verify "$file" --json "$@" > "$json" 2> "$json.err" || rc=$?
  "$PYTHON" - "$json" "$rc" "${EXPECT:-0}" <<'PY' || { cat "$json.err" >&2; die "kyso does not find $file VALID"; }
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit(f"not a JSON report: {e}")
n, want = len(r.get("signatures", [])), int(sys.argv[3])
ok = r.get("schema") == "kyso.report/1" and r.get("verdict") == "VALID" and sys.argv[2] == "0"
ok = ok and (n == want if want else n >= 1)
print(f"    kyso verify: {r.get('verdict')} (exit {sys.argv[2]}, {n} signature(s){f', {want} expected' if want else ''})")
sys.exit(0 if ok else 1)
PY
}
# pyhanko_valid FILE ROOT [CHAIN...]: pyHanko finds >= 1 signature, every one INTACT and TRUSTED, without
# illegal modifications. (Parsed here, with the flags of time-stamp tokens such as
# TIMESTAMP_TOKEN<INTACT:TRUSTED> told apart from the signature's own.)
pyhanko_valid() {
  local file=$1 root=$2 log rc=0; shift 2
  local args=(sign validate --trust "$root" --trust-replace --no-revocation-check)
  for c in "$@"; do args+=(--other-certs "$c"); done
  log=$OUT/check/$(basename "$file").pyhanko.log
  "$PYHANKO" "${args[@]}" "$file" > "$log" 2>&1 || rc=$?
  "$PYTHON" - "$log" "$rc" "${EXPECT:-0}" <<'PY' || { cat "$log" >&2; die "pyHanko does not find $file valid"; }
import re, sys
lines = [l.strip() for l in open(sys.argv[1], encoding="utf-8", errors="replace") if l.strip()]
sigs = []
for l in lines:
    m = re.match(r"^(.*):([0-9a-f]{64}):([A-Z_]+):(.*)$", l)
    if not m:
        continue
    flags, depth, cur = [], 0, ""
    for ch in m.group(4):          # split on top-level commas only
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            flags.append(cur); cur = ""
        else:
            cur += ch
    flags.append(cur)
    ok = m.group(3) == "INTACT" and "TRUSTED" in flags and "ILLEGAL_MODIFICATIONS" not in flags
    sigs.append((m.group(1), m.group(3), flags, ok))
want = int(sys.argv[3])
good = sys.argv[2] == "0" and sigs and all(s[3] for s in sigs) and (len(sigs) == want if want else True)
for name, status, flags, ok in sigs[:3]:
    print(f"    pyHanko: {name}: {status} {','.join(flags)}")
if len(sigs) > 3:
    print(f"    pyHanko: ... {len(sigs)} signatures, {sum(s[3] for s in sigs)} INTACT and TRUSTED")
if not sigs:
    print(f"    pyHanko: no signature summary line (exit {sys.argv[2]})")
sys.exit(0 if good else 1)
PY
}
# pdfsig_valid FILE: poppler's pdfsig -nocert exits 0 and says "Signature is Valid" for every signature.
# (pdfsig exits 0 for a digest mismatch too: the timed pdfsig runs count only because of this check.)
pdfsig_valid() {
  local file=$1 log rc=0 n valid
  log=$OUT/check/$(basename "$file").pdfsig.log
  "$PDFSIG" -nocert "$file" > "$log" 2>&1 || rc=$?
  n=$(grep -c '^Signature #' "$log" || true)
  valid=$(grep -c 'Signature Validation: Signature is Valid' "$log" || true)
  echo "    pdfsig -nocert: exit $rc, $valid of $n signature(s) valid${EXPECT:+, $EXPECT expected}"
  [[ $rc -eq 0 && $n -ge 1 && $valid -eq $n && ( -z ${EXPECT:-} || $n -eq ${EXPECT:-0} ) ]] \
    || { cat "$log" >&2; die "pdfsig does not find $file valid"; }
}
openssl_valid() {  # openssl_valid SIG.der CONTENT
  if "$OPENSSL" cms -verify -binary -inform DER -in "$1" -content "$2" -CAfile "$PKI/root-g2.pem" \
       -purpose any -cades -out /dev/null 2> "$OUT/check/$(basename "$1").openssl.log"; then
    echo "    openssl cms -verify: $(cat "$OUT/check/$(basename "$1").openssl.log")"
  else
    cat "$OUT/check/$(basename "$1").openssl.log" >&2; die "openssl cms -verify rejects $1"
  fi
}
openssl_sign() {  # openssl_sign IN OUT.der: the same key, certificate and chain as kyso_sign_key
  "$OPENSSL" cms -sign -binary -outform DER -nosmimecap -cades -md sha256 -in "$1" \
    -signer "$PKI/ca-nhan.pem" -inkey "$PKI/ca-nhan.key.pem" -certfile "$PKI/ca-g2.pem" -out "$2"
}
kyso_sign_key() {  # the same key as PKCS#8 PEM (no PKCS#12 decryption, like openssl_sign)
  "$KYSO" sign "$1" -o "$2" --key "$PKI/ca-nhan.key.pem" --cert "$PKI/ca-nhan.pem" --chain "$PKI/ca-g2.pem"
}
wasm_valid() {  # wasm_valid FILE: the Node build of the WASM verifier says VALID
  local out
  out=$("$NODE" "$HERE/wasm-verify.mjs" "$WASM_PKG" "$1" "$PKI/root-g2.pem" 2>&1) \
    || { echo "$out" >&2; die "the WASM verifier does not find $1 VALID"; }
  echo "    WASM verifyPdf (Node): $out"
}
signed_valid() {  # signed_valid FILE: kyso, pyHanko and pdfsig all find FILE valid (test PKI)
  kyso_valid "$1" --trust "$PKI/root-g2.pem" --no-revocation
  pyhanko_valid "$1" "$PKI/root-g2.pem"
  [[ $HAVE_PDFSIG -eq 0 ]] || pdfsig_valid "$1"
}

# The files the timed verify commands read are made here once; the timed sign commands write elsewhere.
step "preflight: make the files to verify, and check them"
for s in "${SIZES[@]}"; do
  in=${INPUT[$s]}
  echo "  $s input (${LABEL[$s]}):"
  quiet kyso_sign_p12 "$in" "$OUT/verify-$s-kyso.pdf"
  signed_valid "$OUT/verify-$s-kyso.pdf"
  [[ $HAVE_WASM -eq 0 || $s == small ]] || wasm_valid "$OUT/verify-$s-kyso.pdf"
  quiet pyhanko_sign "$in" "$OUT/verify-$s-pyhanko.pdf"
  signed_valid "$OUT/verify-$s-pyhanko.pdf"
  # What openssl cms -verify checks: the CMS and the bytes the /ByteRange covers, from kyso's signed file.
  "$PYTHON" "$HERE/timing.py" extract-cms "$OUT/verify-$s-kyso.pdf" "$OUT/verify-$s-kyso.cms.der" \
    "$OUT/verify-$s-kyso.signed-bytes" | sed 's/^/    /'
  openssl_valid "$OUT/verify-$s-kyso.cms.der" "$OUT/verify-$s-kyso.signed-bytes"
  # The raw-CMS pair: kyso with the PEM key, OpenSSL with the same key over the same bytes.
  quiet kyso_sign_key "$in" "$OUT/check/$s-kyso-key.pdf"
  kyso_valid "$OUT/check/$s-kyso-key.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  rm -f "$OUT/check/$s-kyso-key.pdf"
  quiet openssl_sign "$in" "$OUT/check/$s-openssl.der"
  openssl_valid "$OUT/check/$s-openssl.der" "$in"
done

# Many signatures: the 10 MB scan signed ten times in a row (each signature an incremental update of the
# previous output), against the same scan signed once (verify-scan10m-kyso.pdf above).
TEN=$OUT/verify-ten-kyso.pdf
echo "  ten signatures on the 10 MB scan:"
prev=${INPUT[scan10m]}
mkdir -p "$OUT/ten"
for i in 1 2 3 4 5 6 7 8 9 10; do
  quiet kyso_sign_p12 "$prev" "$OUT/ten/sig$i.pdf" --field "Sig$i"
  prev=$OUT/ten/sig$i.pdf
done
mv "$prev" "$TEN"
rm -rf "$OUT/ten"
LABEL[ten]="scan, 20 pages, 10 signatures, $(human_size "$(size "$TEN")")"
EXPECT=10 signed_valid "$TEN"

# Many documents: small letters, each signed with its own /Reason (so no two have the same digest).
LET=$OUT/letters
mkdir -p "$LET"
echo "  $LETTERS small signed letters in $LET:"
width=${#LETTERS}
seq -f "%0${width}g" 1 "$LETTERS" | xargs -P2 -I{} "$KYSO" sign "$PDF/plain.pdf" -o "$LET/letter-{}.pdf" \
  --p12 "$PKI/ca-nhan.p12" --password-env KYSO_BENCH_PASSWORD --reason "letter {}" > "$OUT/check/letters-sign.log" 2>&1 \
  || { tail -n 20 "$OUT/check/letters-sign.log" >&2; die "signing the letters failed"; }
n_files=$(find "$LET" -name '*.pdf' | wc -l)
n_digests=$(sha256sum "$LET"/*.pdf | awk '{print $1}' | sort -u | wc -l)
[[ $n_files -eq $LETTERS && $n_digests -eq $LETTERS ]] \
  || die "expected $LETTERS letters with distinct digests, found $n_files files and $n_digests digests"
echo "    $n_files files, $n_digests distinct SHA-256 digests"
rc=0
"$KYSO" verify "$LET" "${kyso_verify_args[@]}" --jobs 0 > "$OUT/check/letters.kyso.jsonl" 2> "$OUT/check/letters.kyso.err" || rc=$?
"$PYTHON" - "$OUT/check/letters.kyso.jsonl" "$rc" "$LETTERS" <<'PY' || { cat "$OUT/check/letters.kyso.err" >&2; die "kyso verify of the letters directory"; }
import json, sys
reports = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
valid = sum(r.get("schema") == "kyso.report/1" and r.get("verdict") == "VALID" for r in reports)
print(f"    kyso verify DIR --json: exit {sys.argv[2]}, {len(reports)} reports, {valid} VALID")
sys.exit(0 if sys.argv[2] == "0" and len(reports) == valid == int(sys.argv[3]) else 1)
PY
if [[ $HAVE_PDFSIG -eq 1 ]]; then
  bad=0
  for f in "$LET"/*.pdf; do
    out=$("$PDFSIG" -nocert "$f" 2>&1) || true
    [[ $out == *'Signature Validation: Signature is Valid'* ]] || { echo "    pdfsig: not valid: $f" >&2; bad=1; }
  done
  [[ $bad -eq 0 ]] || die "pdfsig does not find every letter valid"
  echo "    pdfsig -nocert: all $LETTERS valid"
fi

if [[ $HAVE_GOV -eq 1 ]]; then
  echo "  Government Portal PDF $(basename "$GOV_PDF"):"
  kyso_valid "$GOV_PDF" --trust "$GOV_ROOT" --intermediate "$GOV_CA" --no-revocation
  pyhanko_valid "$GOV_PDF" "$GOV_ROOT" "$GOV_CA"
  [[ $HAVE_PDFSIG -eq 0 ]] || pdfsig_valid "$GOV_PDF"
fi

# ---- the spec ----
cmd noop-kyso kyso "$KYSO" --version
cmd noop-pyhanko pyhanko "$PYHANKO" --version
cmd noop-openssl openssl "$OPENSSL" version
printf 'noop\tkyso\tnoop-kyso\nnoop\tpyhanko\tnoop-pyhanko\nnoop\topenssl\tnoop-openssl\n' >> "$SPEC"
if [[ $HAVE_PDFSIG -eq 1 ]]; then
  cmd noop-pdfsig pdfsig "$PDFSIG" -v
  printf 'noop\tpdfsig\tnoop-pdfsig\n' >> "$SPEC"
fi
if [[ $HAVE_WASM -eq 1 ]]; then
  cmd noop-wasm wasm "$NODE" "$HERE/wasm-verify.mjs" --noop "$WASM_PKG"
  printf 'noop\twasm\tnoop-wasm\n' >> "$SPEC"
fi

# verify_rows ID_PREFIX FILE OPERATION LABEL: kyso verify of FILE against pyHanko and pdfsig.
verify_rows() {
  local id=$1 f=$2 op=$3 label=$4
  cmd "$id-by-kyso" kyso "$KYSO" verify "$f" "${kyso_verify_args[@]}"
  cmd "$id-by-pyhanko" pyhanko "$PYHANKO" "${pyhanko_validate_args[@]}" "$f"
  pair "$op" "$label" "$id-by-kyso" "$id-by-pyhanko" pyHanko \
    "kyso verify --no-revocation --json vs pyhanko sign validate --no-revocation-check, same file, same root"
  if [[ $HAVE_PDFSIG -eq 1 ]]; then
    cmd "$id-by-pdfsig" pdfsig "$PDFSIG" -nocert "$f"
    pair "$op" "$label" "$id-by-kyso" "$id-by-pdfsig" pdfsig \
      "kyso verify (chain, policy, changes, JSON) vs pdfsig -nocert (digest and signature only, no certificate check)"
  fi
}

for s in "${SIZES[@]}"; do
  in=${INPUT[$s]}
  label="$s (${LABEL[$s]})"
  cmd "sign-$s-kyso" kyso "$KYSO" sign "$in" -o "$RUN/run-sign-$s-kyso.pdf" --p12 "$PKI/ca-nhan.p12" \
    --password-env KYSO_BENCH_PASSWORD
  cmd "sign-$s-pyhanko" pyhanko "$PYHANKO" sign addsig --field Sig1 --use-pades pkcs12 --passfile "$OUT/p12-pass" \
    "$in" "$RUN/run-sign-$s-pyhanko.pdf" "$PKI/ca-nhan.p12"
  pair "sign PAdES (p12)" "$label" "sign-$s-kyso" "sign-$s-pyhanko" pyHanko \
    "kyso sign --p12 vs pyhanko sign addsig --use-pades pkcs12, same .p12, B-B, no time-stamp"

  for who in kyso pyhanko; do
    verify_rows "verify-$s-$who" "$OUT/verify-$s-$who.pdf" "verify (signed by $who)" "$label"
  done

  cmd "cms-sign-$s-kyso" kyso "$KYSO" sign "$in" -o "$RUN/run-cms-$s-kyso.pdf" \
    --key "$PKI/ca-nhan.key.pem" --cert "$PKI/ca-nhan.pem" --chain "$PKI/ca-g2.pem"
  cmd "cms-sign-$s-openssl" openssl "$OPENSSL" cms -sign -binary -outform DER -nosmimecap -cades -md sha256 \
    -in "$in" -signer "$PKI/ca-nhan.pem" -inkey "$PKI/ca-nhan.key.pem" -certfile "$PKI/ca-g2.pem" \
    -out "$RUN/run-cms-$s-openssl.der"
  pair "sign CMS (PEM key)" "$label" "cms-sign-$s-kyso" "cms-sign-$s-openssl" OpenSSL \
    "reference: openssl cms -sign -cades over the same bytes vs kyso sign --key (a whole PAdES signature: PDF parse + update too)"

  cmd "cms-verify-$s-openssl" openssl "$OPENSSL" cms -verify -binary -inform DER -in "$OUT/verify-$s-kyso.cms.der" \
    -content "$OUT/verify-$s-kyso.signed-bytes" -CAfile "$PKI/root-g2.pem" -purpose any -cades -out /dev/null
  pair "verify CMS" "$label" "verify-$s-kyso-by-kyso" "cms-verify-$s-openssl" OpenSSL \
    "reference: openssl cms -verify of the extracted CMS + signed bytes vs kyso verify of the whole PDF"

  [[ $s == small ]] && continue
  # Issue 15's floors: reading and hashing the signed file once (verify); copying the input and hashing
  # the copy (sign: kyso reads the input, writes input + update, hashes the byte ranges).
  cmd "floor-hash-$s" floor "$OPENSSL" dgst -sha256 "$OUT/verify-$s-kyso.pdf"
  floor "verify (signed by kyso)" "$label" "verify-$s-kyso-by-kyso" "floor-hash-$s" "hash floor (openssl dgst)" 1.3 \
    "kyso verify vs openssl dgst -sha256 of the same signed file"
  cmd "floor-copyhash-$s" floor sh -c 'cp "$1" "$2" && "$3" dgst -sha256 "$2" > /dev/null' sh \
    "$in" "$RUN/run-floor-$s.pdf" "$OPENSSL"
  floor "sign PAdES (p12)" "$label" "sign-$s-kyso" "floor-copyhash-$s" "copy+hash floor (cp, openssl dgst)" 1.5 \
    "kyso sign --p12 (atomic write with fsync) vs cp IN OUT && openssl dgst -sha256 OUT (no fsync)"
  if [[ $HAVE_WASM -eq 1 ]]; then
    cmd "verify-$s-kyso-by-wasm" wasm "$NODE" "$HERE/wasm-verify.mjs" "$WASM_PKG" "$OUT/verify-$s-kyso.pdf" "$PKI/root-g2.pem"
    pair "verify in WASM (Node)" "$label" "verify-$s-kyso-by-kyso" "verify-$s-kyso-by-wasm" "WASM (Node)" \
      "native kyso verify vs verifyPdf of the WASM build in Node (same root, no revocation; start-up: Node + module load)" 3
  fi
done

# Many signatures.
verify_rows verify-ten "$TEN" "verify (10 signatures)" "ten (${LABEL[ten]})"
floor "verify, 10 signatures vs 1" "ten (${LABEL[ten]})" verify-ten-by-kyso verify-scan10m-kyso-by-kyso \
  "kyso, the scan signed once" 2 "kyso verify of the 10 MB scan signed ten times in a row vs signed once"
cmd floor-hash-ten floor "$OPENSSL" dgst -sha256 "$TEN"
floor "verify (10 signatures)" "ten (${LABEL[ten]})" verify-ten-by-kyso floor-hash-ten "hash floor (openssl dgst)" - \
  "kyso verify of ten signatures vs openssl dgst -sha256 of the file (no target: ten signatures are ten checks)"

# Many documents: one process for the whole directory.
label_letters="$LETTERS letters (1 page each, one directory)"
cmd letters-kyso-jobs0 kyso "$KYSO" verify "$LET" "${kyso_verify_args[@]}" --jobs 0
cmd letters-kyso-jobs1 kyso "$KYSO" verify "$LET" "${kyso_verify_args[@]}" --jobs 1
pair "verify a directory" "$label_letters" letters-kyso-jobs0 letters-kyso-jobs1 "kyso --jobs 1" \
  "kyso verify DIR --jobs 0 (one thread per core, $(nproc) here) vs --jobs 1: the parallel speed-up"
rate letters-kyso-jobs0 "$LETTERS" letters "kyso verify DIR --jobs 0"
rate letters-kyso-jobs1 "$LETTERS" letters "kyso verify DIR --jobs 1"
if [[ $HAVE_PDFSIG -eq 1 ]]; then
  # No pdfsig start-up is subtracted from a loop of LETTERS pdfsig processes (tool pdfsig-loop, no no-op).
  cmd letters-pdfsig pdfsig-loop sh -c 'for f in "$1"/*.pdf; do "$2" -nocert "$f" > /dev/null || exit 1; done' sh \
    "$LET" "$PDFSIG"
  pair "verify a directory" "$label_letters" letters-kyso-jobs0 letters-pdfsig "pdfsig (a shell loop)" \
    "kyso verify DIR --jobs 0 vs one pdfsig -nocert per file in a sh loop"
  rate letters-pdfsig "$LETTERS" letters "pdfsig -nocert, one process per letter"
fi

if [[ $HAVE_GOV -eq 1 ]]; then
  gov_label="govportal 2025 G2 ($(human_size "$(size "$GOV_PDF")"))"
  cmd verify-gov-by-kyso kyso "$KYSO" verify "$GOV_PDF" --trust "$GOV_ROOT" --intermediate "$GOV_CA" --no-revocation --json
  cmd verify-gov-by-pyhanko pyhanko "$PYHANKO" sign validate --trust "$GOV_ROOT" --trust-replace \
    --other-certs "$GOV_CA" --no-revocation-check "$GOV_PDF"
  pair "verify (Government PDF)" "$gov_label" verify-gov-by-kyso verify-gov-by-pyhanko pyHanko \
    "real signed PDF with a time-stamp; kyso --intermediate cpcag2 vs pyhanko --other-certs cpcag2"
  if [[ $HAVE_PDFSIG -eq 1 ]]; then
    cmd verify-gov-by-pdfsig pdfsig "$PDFSIG" -nocert "$GOV_PDF"
    pair "verify (Government PDF)" "$gov_label" verify-gov-by-kyso verify-gov-by-pdfsig pdfsig \
      "real signed PDF; kyso verify (chain, time-stamp, policy) vs pdfsig -nocert"
  fi
fi

# ---- timing ----
meta=(--meta "kyso=$("$KYSO" --version | awk '{print $NF}')")
if commit=$(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null); then
  if [[ -n $(git -C "$ROOT" status --porcelain -- crates bindings Cargo.toml Cargo.lock 2> /dev/null) ]]; then
    commit="$commit + uncommitted changes in crates/ or bindings/"
  fi
  meta+=(--meta "commit=$commit")
fi
[[ $HAVE_WASM -eq 0 ]] || meta+=(--meta "WASM package built=$WASM_BUILT")
step "timing: $WARMUP warm-up + $RUNS timed runs of $(grep -c '^cmd' "$SPEC") commands, interleaved"
"$PYTHON" "$HERE/timing.py" run "$SPEC" --runs "$RUNS" --warmup "$WARMUP" --seed "$SEED" \
  --peak-target-mib 48 "${meta[@]}" --json "$OUT/results.json"

# ---- the outputs of the last timed runs must be valid too ----
step "post-check: outputs of the last timed runs"
for s in "${SIZES[@]}"; do
  in=${INPUT[$s]}
  echo "  $s:"
  for who in kyso pyhanko; do
    signed_valid "$RUN/run-sign-$s-$who.pdf"
  done
  kyso_valid "$RUN/run-cms-$s-kyso.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  openssl_valid "$RUN/run-cms-$s-openssl.der" "$in"
  if [[ $s != small ]]; then
    cmp -s "$in" "$RUN/run-floor-$s.pdf" || die "the copy+hash floor's copy of $in differs"
    echo "    copy+hash floor: the copy equals the input"
  fi
done

if [[ $UPDATE_README -eq 1 ]]; then
  step "README"
  "$PYTHON" "$HERE/timing.py" readme "$OUT/results.json" --update "$ROOT/README.md"
fi
echo
echo "compare.sh: OK. Results: $OUT/results.json (ratios are the result; absolute times are this machine's, today)"
