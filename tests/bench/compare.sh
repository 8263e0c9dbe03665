#!/usr/bin/env bash
# Compares kyso with pyHanko and OpenSSL in ONE run on the same machine and reports RATIOS, never
# absolute-time verdicts (the machine is shared and noisy). See tests/bench/README.md.
#
#   bash tests/bench/compare.sh [--quick] [-n N] [--warmup W] [--pages P] [--seed S] [--scratch DIR]
#
#   --quick        N=5 (CI smoke use)
#   -n N           timed runs per command (default 15), after W warm-up runs (default 2)
#   --pages P      pages of the generated large PDF (default 200, about 17 KB each)
#   --scratch DIR  where the timed sign runs write (default tests/bench/out); e.g. /dev/shm to take the
#                  disk (and kyso's fsync of its atomic write) out of the sign times
#
# Environment: KYSO_BIN (a kyso binary; otherwise `cargo build --release -p kyso-cli` into
# CARGO_TARGET_DIR or target/), KYSO_PYHANKO (default tests/.venv/bin/pyhanko), KYSO_TEST_WORK (default
# tests/work; built with tests/pki/make-pki.sh and tests/fixtures/make-pdfs.sh when missing),
# KYSO_CORPORA (default ../shared/corpora, read in place, never copied).
#
# Every command is run as a separate process (start-up included for every tool); a no-op per tool
# (`kyso --version`, `pyhanko --version`, `openssl version`) is timed too, for start-up-adjusted ratios.
# Every output is checked before and after timing (kyso and pyHanko must both find the signed PDFs VALID,
# OpenSSL must verify its CMS) and every timed run must exit 0: otherwise the script fails loudly.
# Writes tests/bench/out/ (gitignored): the work files and results.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/tests/bench
OUT=$HERE/out
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
PDF=$WORK/pdf
PYHANKO=${KYSO_PYHANKO:-$ROOT/tests/.venv/bin/pyhanko}
CORPORA=${KYSO_CORPORA:-$ROOT/../shared/corpora}
PYTHON=${PYTHON:-python3}

RUNS=15 WARMUP=2 PAGES=200 SEED=1 SCRATCH=
usage() { sed -n '5,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) RUNS=5; shift ;;
    -n|--runs) RUNS=${2:?-n needs a number}; shift 2 ;;
    --warmup) WARMUP=${2:?--warmup needs a number}; shift 2 ;;
    --pages) PAGES=${2:?--pages needs a number}; shift 2 ;;
    --seed) SEED=${2:?--seed needs a number}; shift 2 ;;
    --scratch) SCRATCH=${2:?--scratch needs a directory}; shift 2 ;;
    -h|--help) usage ;;
    *) echo "compare.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ && $WARMUP =~ ^[0-9]+$ && $PAGES =~ ^[1-9][0-9]*$ && $SEED =~ ^[0-9]+$ ]] \
  || { echo "compare.sh: -n, --warmup, --pages and --seed take whole numbers (-n, --pages >= 1)" >&2; exit 2; }

die() { echo "compare.sh: FAIL: $*" >&2; exit 1; }
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

SMALL=$OUT/small-1p.pdf LARGE=$OUT/large-${PAGES}p.pdf
cp "$PDF/plain.pdf" "$SMALL"
"$PYTHON" "$HERE/timing.py" make-pdf "$LARGE" --pages "$PAGES"
if command -v qpdf > /dev/null; then
  qpdf --check "$LARGE" > "$OUT/check/qpdf-large.log" 2>&1 || { cat "$OUT/check/qpdf-large.log"; die "qpdf rejects $LARGE"; }
fi
size() { stat -c %s "$1"; }
human_size() { numfmt --to=iec --suffix=B "$1" 2>/dev/null || echo "${1}B"; }
declare -A LABEL=(
  [small]="1 page, $(human_size "$(size "$SMALL")")"
  [large]="$PAGES pages, $(human_size "$(size "$LARGE")")"
)
INPUT_small=$SMALL INPUT_large=$LARGE

GOV_PDF=$CORPORA/vn-gov/pdf/govportal_2025-01-07_g2_signed.pdf
GOV_ROOT=$CORPORA/vn-gov/certs/vgca-g2/rootcag2.crt
GOV_CA=$CORPORA/vn-gov/certs/vgca-g2/cpcag2.crt
HAVE_GOV=1
for f in "$GOV_PDF" "$GOV_ROOT" "$GOV_CA"; do
  [[ -f $f ]] || { echo "warning: $f not found: the Government PDF row is skipped"; HAVE_GOV=0; }
done

# ---- the commands (argument arrays), as the spec for timing.py ----
SPEC=$OUT/spec.tsv
: > "$SPEC"
cmd() { local id=$1 tool=$2; shift 2; printf 'cmd\t%s\t%s' "$id" "$tool" >> "$SPEC"; printf '\t%s' "$@" >> "$SPEC"; echo >> "$SPEC"; }
pair() { printf 'pair\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$SPEC"; }

kyso_sign_p12() { "$KYSO" sign "$1" -o "$2" --p12 "$PKI/ca-nhan.p12" --password-env KYSO_BENCH_PASSWORD; }
# pyHanko: same key (the same .p12), PAdES (ETSI.CAdES.detached, kyso's default), no time-stamp.
pyhanko_sign() { "$PYHANKO" sign addsig --field Sig1 --use-pades pkcs12 --passfile "$OUT/p12-pass" "$1" "$2" "$PKI/ca-nhan.p12"; }
pyhanko_validate_args=(sign validate --trust "$PKI/root-g2.pem" --trust-replace --no-revocation-check)

# ---- checks: every output must be what it claims ----
quiet() {  # quiet CMD...: runs CMD, shows its output only if it fails (and then fails)
  local log=$OUT/check/last-command.log
  "$@" > "$log" 2>&1 || { cat "$log" >&2; die "failed: $*"; }
}
# kyso_valid FILE [verify args...]: kyso verify --json says VALID (exit 0, schema kyso.report/1).
kyso_valid() {
  local file=$1 json rc=0; shift
  json=$OUT/check/$(basename "$file").kyso.json
  "$KYSO" verify "$file" --json "$@" > "$json" 2> "$json.err" || rc=$?
  "$PYTHON" - "$json" "$rc" <<'PY' || { cat "$json.err" >&2; die "kyso does not find $file VALID"; }
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit(f"not a JSON report: {e}")
ok = r.get("schema") == "kyso.report/1" and r.get("verdict") == "VALID" and sys.argv[2] == "0"
print(f"    kyso verify: {r.get('verdict')} (exit {sys.argv[2]}, {len(r.get('signatures', []))} signature(s))")
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
  "$PYTHON" - "$log" "$rc" <<'PY' || { cat "$log" >&2; die "pyHanko does not find $file valid"; }
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
good = sys.argv[2] == "0" and sigs and all(s[3] for s in sigs)
for name, status, flags, ok in sigs:
    print(f"    pyHanko: {name}: {status} {','.join(flags)}")
if not sigs:
    print(f"    pyHanko: no signature summary line (exit {sys.argv[2]})")
sys.exit(0 if good else 1)
PY
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

# The files the timed verify commands read are made here once; the timed sign commands write elsewhere.
step "preflight: make the files to verify, and check them"
for s in small large; do
  in=INPUT_$s; in=${!in}
  echo "  $s input (${LABEL[$s]}):"
  quiet kyso_sign_p12 "$in" "$OUT/verify-$s-kyso.pdf"
  kyso_valid "$OUT/verify-$s-kyso.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  pyhanko_valid "$OUT/verify-$s-kyso.pdf" "$PKI/root-g2.pem"
  quiet pyhanko_sign "$in" "$OUT/verify-$s-pyhanko.pdf"
  kyso_valid "$OUT/verify-$s-pyhanko.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  pyhanko_valid "$OUT/verify-$s-pyhanko.pdf" "$PKI/root-g2.pem"
  # What openssl cms -verify checks: the CMS and the bytes the /ByteRange covers, from kyso's signed file.
  "$PYTHON" "$HERE/timing.py" extract-cms "$OUT/verify-$s-kyso.pdf" "$OUT/verify-$s-kyso.cms.der" \
    "$OUT/verify-$s-kyso.signed-bytes" | sed 's/^/    /'
  openssl_valid "$OUT/verify-$s-kyso.cms.der" "$OUT/verify-$s-kyso.signed-bytes"
  # The raw-CMS pair: kyso with the PEM key, OpenSSL with the same key over the same bytes.
  quiet kyso_sign_key "$in" "$OUT/check/$s-kyso-key.pdf"
  kyso_valid "$OUT/check/$s-kyso-key.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  quiet openssl_sign "$in" "$OUT/check/$s-openssl.der"
  openssl_valid "$OUT/check/$s-openssl.der" "$in"
done
if [[ $HAVE_GOV -eq 1 ]]; then
  echo "  Government Portal PDF $(basename "$GOV_PDF"):"
  kyso_valid "$GOV_PDF" --trust "$GOV_ROOT" --intermediate "$GOV_CA" --no-revocation
  pyhanko_valid "$GOV_PDF" "$GOV_ROOT" "$GOV_CA"
fi

# ---- the spec ----
cmd noop-kyso kyso "$KYSO" --version
cmd noop-pyhanko pyhanko "$PYHANKO" --version
cmd noop-openssl openssl "$OPENSSL" version
printf 'noop\tkyso\tnoop-kyso\nnoop\tpyhanko\tnoop-pyhanko\nnoop\topenssl\tnoop-openssl\n' >> "$SPEC"

for s in small large; do
  in=INPUT_$s; in=${!in}
  label="$s (${LABEL[$s]})"
  cmd "sign-$s-kyso" kyso "$KYSO" sign "$in" -o "$RUN/run-sign-$s-kyso.pdf" --p12 "$PKI/ca-nhan.p12" \
    --password-env KYSO_BENCH_PASSWORD
  cmd "sign-$s-pyhanko" pyhanko "$PYHANKO" sign addsig --field Sig1 --use-pades pkcs12 --passfile "$OUT/p12-pass" \
    "$in" "$RUN/run-sign-$s-pyhanko.pdf" "$PKI/ca-nhan.p12"
  pair "sign PAdES (p12)" "$label" "sign-$s-kyso" "sign-$s-pyhanko" pyHanko \
    "kyso sign --p12 vs pyhanko sign addsig --use-pades pkcs12, same .p12, B-B, no time-stamp"

  for who in kyso pyhanko; do
    f=$OUT/verify-$s-$who.pdf
    cmd "verify-$s-$who-by-kyso" kyso "$KYSO" verify "$f" --trust "$PKI/root-g2.pem" --no-revocation --json
    cmd "verify-$s-$who-by-pyhanko" pyhanko "$PYHANKO" "${pyhanko_validate_args[@]}" "$f"
    pair "verify (signed by $who)" "$label" "verify-$s-$who-by-kyso" "verify-$s-$who-by-pyhanko" pyHanko \
      "kyso verify --no-revocation --json vs pyhanko sign validate --no-revocation-check, same file, same root"
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
done

if [[ $HAVE_GOV -eq 1 ]]; then
  cmd verify-gov-kyso kyso "$KYSO" verify "$GOV_PDF" --trust "$GOV_ROOT" --intermediate "$GOV_CA" --no-revocation --json
  cmd verify-gov-pyhanko pyhanko "$PYHANKO" sign validate --trust "$GOV_ROOT" --trust-replace \
    --other-certs "$GOV_CA" --no-revocation-check "$GOV_PDF"
  pair "verify (Government PDF)" "govportal 2025 G2 ($(human_size "$(size "$GOV_PDF")"))" verify-gov-kyso verify-gov-pyhanko pyHanko \
    "real signed PDF with a time-stamp; kyso --intermediate cpcag2 vs pyhanko --other-certs cpcag2"
fi

# ---- timing ----
step "timing: $WARMUP warm-up + $RUNS timed runs of $(grep -c '^cmd' "$SPEC") commands, interleaved"
"$PYTHON" "$HERE/timing.py" run "$SPEC" --runs "$RUNS" --warmup "$WARMUP" --seed "$SEED" \
  --json "$OUT/results.json"

# ---- the outputs of the last timed runs must be valid too ----
step "post-check: outputs of the last timed runs"
for s in small large; do
  in=INPUT_$s; in=${!in}
  echo "  $s:"
  for who in kyso pyhanko; do
    kyso_valid "$RUN/run-sign-$s-$who.pdf" --trust "$PKI/root-g2.pem" --no-revocation
    pyhanko_valid "$RUN/run-sign-$s-$who.pdf" "$PKI/root-g2.pem"
  done
  kyso_valid "$RUN/run-cms-$s-kyso.pdf" --trust "$PKI/root-g2.pem" --no-revocation
  openssl_valid "$RUN/run-cms-$s-openssl.der" "$in"
done
echo
echo "compare.sh: OK. Results: $OUT/results.json (ratios are the result; absolute times are this machine's, today)"
