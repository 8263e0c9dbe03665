#!/usr/bin/env bash
# The bindings suite, run by tests/run.sh after the workspace tests (environment: KYSO_TEST_WORK,
# SOFTHSM2_CONF, KYSO_PKCS11_MODULE). Tools come from tests/setup.d/40-bindings.sh.
#   1. C header drift: cbindgen regenerates bindings/c/include/kyso.h into a temporary file;
#   2. C tests (bindings/c/tests/kyso_test.c) built with gcc against the header and the shared library, run
#      under AddressSanitizer + UBSan with leak detection; the static library is linked too;
#   3. Java (JNA) and .NET (Mono) tests over the same library;
#   4. WASM: kyso-wasm built with the size-optimised profile, bound with wasm-bindgen for the web and for
#      Node, shrunk with wasm-opt; Node tests; the verification page in headless Chromium; the CLI's
#      inbox report (kyso verify DIR --html) in headless Chromium too, and the 50-document acceptance run
#      of the clerk's desk (tests/inbox/acceptance.py);
#   5. parity: the CLI, C, Java, .NET and WASM reports on the same inputs are identical.
# Honours CARGO_TARGET_DIR (CI uses the default target/).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
: "${SOFTHSM2_CONF:?run through tests/run.sh (SOFTHSM2_CONF is not set)}"
OUT=$WORK/bindings
rm -rf "$OUT"
mkdir -p "$OUT/parity"
PKI=$WORK/pki
PLAIN=$WORK/pdf/plain.pdf
ROOT_PEM=$PKI/root-g2.pem
P12=$PKI/ca-nhan.p12
# The token holds only the signer's certificate: the issuing CA is embedded from this file.
CHAIN=$PKI/ca-nhan.chain.pem
export KYSO_P12_PASSWORD=kyso-test
# One validation time for every binding, so that their reports can be compared.
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
step() { echo; echo "---- bindings: $* ----"; }

step "C header drift (cbindgen $(cbindgen --version | cut -d' ' -f2))"
(cd bindings/c && cbindgen --quiet --config cbindgen.toml --crate kyso-ffi --output "$OUT/kyso.h")
if ! diff -u bindings/c/include/kyso.h "$OUT/kyso.h"; then
  echo "bindings/c/include/kyso.h is out of date: regenerate it with"
  echo "  (cd bindings/c && cbindgen --config cbindgen.toml --crate kyso-ffi --output include/kyso.h)"
  exit 1
fi
echo "header up to date"

step "build kyso-ffi and the CLI (debug)"
cargo build -q -p kyso-ffi -p kyso-cli
LIBDIR=$TARGET/debug
# Java and .NET load the library by its packaged name, kyso (libkyso.so here, kyso.dll on Windows);
# cargo names the cdylib after the crate, libkyso_ffi.so.
NATIVE=$OUT/native
mkdir -p "$NATIVE"
ln -sf "$LIBDIR/libkyso_ffi.so" "$NATIVE/libkyso.so"
KYSO=$TARGET/debug/kyso

step "fixtures: a kyso-signed PDF and a tampered copy"
"$KYSO" sign "$PLAIN" -o "$OUT/signed.pdf" --p12 "$P12" --password-env KYSO_P12_PASSWORD \
  --reason "Phê duyệt (kiểm thử bindings)" --location "Hà Nội" 2>/dev/null
# Tampered: change one byte of the page's /MediaBox, inside the first signed range.
python3 - "$OUT/signed.pdf" "$OUT/tampered.pdf" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
i = data.index(b"/MediaBox [ 0 0 595 842 ]") + len("/MediaBox [ 0 0 595 84")
data[i] = ord("3")
open(sys.argv[2], "wb").write(data)
PY
"$KYSO" verify --json --trust "$ROOT_PEM" --no-revocation --at "$AT" "$OUT/signed.pdf" > "$OUT/parity/cli-signed.json" || true
"$KYSO" verify --json --trust "$ROOT_PEM" --no-revocation --at "$AT" "$OUT/tampered.pdf" > "$OUT/parity/cli-tampered.json" || true
grep -q '"verdict":"VALID"' "$OUT/parity/cli-signed.json"
grep -q '"verdict":"INVALID"' "$OUT/parity/cli-tampered.json"
echo "signed.pdf VALID and tampered.pdf INVALID according to the CLI"
# A scan whose images are large enough to be left out of the sparse copy verification parses
# (kyso_pdf::sparse), and the same file with one byte changed inside an image's data: the
# signed bytes are hashed from the input itself, so the change must still be found.
python3 tests/bench/timing.py make-pdf "$OUT/scan.pdf" --pages 3 --image-kb 200 > /dev/null
"$KYSO" sign "$OUT/scan.pdf" -o "$OUT/scan-signed.pdf" --p12 "$P12" --password-env KYSO_P12_PASSWORD 2>/dev/null
python3 - "$OUT/scan-signed.pdf" "$OUT/scan-image-tampered.pdf" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
# The second page's image: its data starts after the second "/Subtype /Image ... stream".
first = data.index(b"/Subtype /Image")
second = data.index(b"/Subtype /Image", first + 1)
at = data.index(b"stream", second) + 100_000
data[at] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
"$KYSO" verify --json --trust "$ROOT_PEM" --no-revocation --at "$AT" "$OUT/scan-signed.pdf" > "$OUT/scan-signed.json" || true
"$KYSO" verify --json --trust "$ROOT_PEM" --no-revocation --at "$AT" "$OUT/scan-image-tampered.pdf" > "$OUT/scan-image-tampered.json" || true
grep -q '"verdict":"VALID"' "$OUT/scan-signed.json"
grep -q '"verdict":"INVALID"' "$OUT/scan-image-tampered.json"
echo "scan-signed.pdf VALID and scan-image-tampered.pdf (one byte inside an image) INVALID according to the CLI"

# edXML packages for the bindings' tests: signed.pdf in a package signed by xmlsec1, and the same
# package with its subject changed after signing.
python3 tests/edxml/make-package.py "$OUT/package.edxml" --attach "$OUT/signed.pdf" \
  --sign "$PKI/to-chuc.key.pem" "$PKI/to-chuc.pem" "$PKI/ca-g2.pem"
sed 's|V/v triển khai|V/v hủy bỏ|' "$OUT/package.edxml" > "$OUT/package-tampered.edxml"
cmp -s "$OUT/package.edxml" "$OUT/package-tampered.edxml" && { echo "package-tampered.edxml not altered"; exit 1; }

step "C tests under AddressSanitizer (gcc)"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -I bindings/c/include)
gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer bindings/c/tests/kyso_test.c \
  -L "$LIBDIR" -lkyso_ffi -Wl,-rpath,"$LIBDIR" -lpthread -o "$OUT/kyso_test"
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 \
LSAN_OPTIONS=suppressions=$ROOT/bindings/c/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  "$OUT/kyso_test" "$OUT/signed.pdf" "$PLAIN" "$ROOT_PEM" "$P12" "$KYSO_P12_PASSWORD" "$MODULE" "$CHAIN"
step "C: the static library links too"
gcc "${CFLAGS[@]}" bindings/c/tests/kyso_parity.c "$LIBDIR/libkyso_ffi.a" -lpthread -ldl -lm -o "$OUT/kyso_parity"
for f in signed tampered; do
  "$OUT/kyso_parity" "$OUT/$f.pdf" "{\"trust\":[\"$ROOT_PEM\"],\"revocation\":\"off\",\"at\":\"$AT\"}" > "$OUT/parity/c-$f.json"
done
echo "statically linked program wrote the C reports"

if [[ -d bindings/java ]]; then
  step "Java (JNA $(readlink -f /usr/share/java/jna.jar | sed 's/.*jna-//;s/.jar//'), $(javac -version 2>&1))"
  bash bindings/java/run-tests.sh "$OUT" "$NATIVE" "$ROOT_PEM" "$MODULE" "$AT" "$CHAIN" "$PLAIN"
fi

if [[ -d bindings/dotnet ]]; then
  step "C# (Mono $(mono --version | head -1 | sed 's/.*version \([^ ]*\).*/\1/'))"
  bash bindings/dotnet/run-tests.sh "$OUT" "$NATIVE" "$ROOT_PEM" "$MODULE" "$AT" "$CHAIN" "$PLAIN"
fi

step "WASM: build (profile wasm-release), bind (wasm-bindgen $(wasm-bindgen --version | cut -d' ' -f2)), shrink (wasm-opt)"
bash bindings/wasm/build.sh "$OUT/wasm"
echo "kyso_wasm_bg.wasm: $(stat -c %s "$OUT/wasm/web/kyso_wasm_bg.wasm") bytes (web), $(gzip -9c "$OUT/wasm/web/kyso_wasm_bg.wasm" | wc -c) gzipped"

step "WASM: Node tests (node $(node --version))"
KYSO_WASM_NODE_PKG=$OUT/wasm/nodejs KYSO_BINDINGS_OUT=$OUT KYSO_TEST_ROOT_PEM=$ROOT_PEM KYSO_TEST_AT=$AT \
  node --test bindings/wasm/tests/

if [[ -f bindings/wasm/www/test/browser.mjs ]]; then
  step "WASM: verification page in headless Chromium"
  rm -rf bindings/wasm/www/pkg
  cp -r "$OUT/wasm/web" bindings/wasm/www/pkg
  KYSO_BINDINGS_OUT=$OUT KYSO_TEST_ROOT_PEM=$ROOT_PEM node bindings/wasm/www/test/browser.mjs
fi

step "the inbox report (kyso verify DIR --html) in headless Chromium"
# An inbox with Vietnamese names: two good documents, two altered ones, an unsigned one and a
# file that is not a PDF; the page must show the six, and its screenshot is docs/inbox-report.png.
INBOX=$OUT/inbox
rm -rf "$INBOX"
mkdir -p "$INBOX/đã ký" "$INBOX/lỗi"
cp "$OUT/signed.pdf" "$OUT/scan-signed.pdf" "$INBOX/đã ký/"
cp "$OUT/tampered.pdf" "$OUT/scan-image-tampered.pdf" "$INBOX/lỗi/"
cp "$PLAIN" "$INBOX/chưa ký.pdf"
printf 'not a PDF' > "$INBOX/hỏng.pdf"
rc=0
"$KYSO" verify "$INBOX" --trust "$ROOT_PEM" --no-revocation --at "$AT" --html "$INBOX/báo cáo.html" > /dev/null || rc=$?
[[ $rc -eq 1 ]] || { echo "kyso verify of the inbox: exit $rc, 1 expected (not all VALID)"; exit 1; }
node tests/inbox/report-browser.mjs "$INBOX/báo cáo.html" 6

step "the clerk's desk: 50 mixed documents in one run (verdicts, progress bar, HTML, refusal notices)"
# tests/inbox/acceptance.py: PDFs signed by kyso and pyHanko, altered, unsigned, signed with an
# expired or a revoked certificate, and edXML packages signed by xmlsec1; see its docstring.
python3 tests/inbox/acceptance.py "$KYSO" "$WORK" "$OUT/acceptance" "${KYSO_PYHANKO:-$ROOT/tests/.venv/bin/pyhanko}"

step "parity: CLI, C, Java, .NET and WASM reports"
python3 - "$OUT/parity" <<'PY'
import json, os, sys
d = sys.argv[1]
def load(name):
    r = json.load(open(os.path.join(d, name)))
    r.pop("file", None)  # the CLI names the file it read; the byte-oriented APIs do not
    return r
failed = 0
for case in ("signed", "tampered"):
    files = sorted(f for f in os.listdir(d) if f.endswith(f"-{case}.json") and not f.startswith("cli-"))
    ref = load(f"cli-{case}.json")
    for f in files:
        same = load(f) == ref
        failed += not same
        print(("ok  " if same else "FAIL") + f"  {f} == cli-{case}.json")
    langs = {f.split("-")[0] for f in files}
    missing = {"c", "java", "dotnet", "wasm"} - langs
    if missing:
        print(f"FAIL  {case}: no report from {sorted(missing)}")
        failed += 1
sys.exit(1 if failed else 0)
PY
echo "bindings suite passed"
