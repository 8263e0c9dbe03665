#!/usr/bin/env bash
# The Windows suite, run by tests/run.sh after the bindings suite (environment: KYSO_TEST_WORK). Tools come
# from tests/setup.d/70-windows.sh.
#   1. the release zip (bindings/windows/build.sh): kyso.exe, kyso.dll, import library, header, NuGet
#      package, jar; the NuGet package installs with Mono's nuget and its Kyso.dll + libkyso.so pass the
#      .NET tests; the jar's libkyso.so passes the Java tests with nothing on jna.library.path, and it holds
#      kyso.dll where JNA looks on 64-bit Windows;
#   2. under Wine (Debian's wine64, prefix from bindings/windows/wine-prefix.sh): kyso.exe demo; sign and
#      verify with a PKCS#12 file and Windows paths (drive letters, backslashes, spaces, Vietnamese letters);
#      reports byte-identical to the Linux CLI's for the same inputs and options; Vietnamese text on Wine's
#      console; PKCS#11 modules as Windows DLLs (SoftHSM2 cross-built for Windows, see
#      tests/softhsm/windows-module.sh, and the error paths: missing module, not a PKCS#11 module, 32-bit);
#   3. the C test client and the parity client built with mingw against kyso.dll, run under Wine.
# Prints "ok"/"FAIL" per check and "windows: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
OUT=$WORK/windows
PKI=$WORK/pki
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
export KYSO_P12_PASSWORD=kyso-test
AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
step() { echo; echo "---- windows: $* ----"; }
passed=0 failed=0
check() { # description command...
  local what=$1; shift
  if "$@"; then echo "ok   $what"; passed=$((passed + 1)); else echo "FAIL $what"; failed=$((failed + 1)); fi
}
# A Unix path as Wine sees it: drive Z: is the Unix root.
winpath() { local p=${1//\//\\}; printf 'Z:%s' "$p"; }

rm -rf "$OUT"
mkdir -p "$OUT"

step "release zip (bindings/windows/build.sh)"
# The Linux library of the packages: the one the bindings suite built and tested, when there is one
# (a release build of it would cost minutes and test nothing more here).
if [[ -f $WORK/bindings/native/libkyso.so ]]; then
  KYSO_LINUX_SO=$WORK/bindings/native/libkyso.so bash bindings/windows/build.sh "$OUT/dist"
else
  bash bindings/windows/build.sh "$OUT/dist"
fi
DIST=$OUT/dist/kyso-$VERSION-windows-x64
EXE=$DIST/bin/kyso.exe
check "the zip holds the exe, the DLL, the import library, the header, the packages, the licences and the README" \
  python3 - "$OUT/dist/kyso-$VERSION-windows-x64.zip" "kyso-$VERSION-windows-x64" "$VERSION" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
base, version = sys.argv[2], sys.argv[3]
want = ["bin/kyso.exe", "bin/kyso.dll", "lib/libkyso.dll.a", "lib/kyso.def", "include/kyso.h",
        f"dotnet/Kyso.{version}.nupkg", "dotnet/Kyso.cs", "java/kyso.jar", "LICENSE-MIT", "LICENSE-APACHE",
        "OFL.txt", "THIRD-PARTY.txt", "README.txt"]
missing = [w for w in want if f"{base}/{w}" not in names]
print("missing:", missing) if missing else None
sys.exit(1 if missing else 0)
PY
cargo build -q -p kyso-cli -p kyso-ffi
KYSO=$TARGET/debug/kyso

step "packages: NuGet (Mono's nuget) and the jar, run on Linux with their own native library"
mkdir -p "$OUT/nuget-home" "$OUT/packages"
HOME=$OUT/nuget-home nuget install Kyso -Version "$VERSION" -Source "$DIST/dotnet" -OutputDirectory "$OUT/packages" \
  -NonInteractive > "$OUT/nuget-install.log"
PKG=$OUT/packages/Kyso.$VERSION
check "nuget install: lib/net462/Kyso.dll, runtimes/win-x64/native/kyso.dll, runtimes/linux-x64/native/libkyso.so" \
  test -f "$PKG/lib/net462/Kyso.dll" -a -f "$PKG/runtimes/win-x64/native/kyso.dll" -a -f "$PKG/runtimes/linux-x64/native/libkyso.so"
MODULE=${KYSO_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
: "${SOFTHSM2_CONF:?run through tests/run.sh (SOFTHSM2_CONF is not set)}"
# The bindings' tests read OUT/signed.pdf, OUT/tampered.pdf and the edXML packages the bindings suite
# made, and write OUT/parity/{dotnet,java}-*.json.
BIND=$OUT/bindings
mkdir -p "$BIND/parity" "$BIND/dotnet-build" "$BIND/java-build"
cp "$WORK/bindings/signed.pdf" "$WORK/bindings/tampered.pdf" "$WORK/bindings/package.edxml" \
  "$WORK/bindings/package-tampered.edxml" "$BIND/"
BIND_ARGS=("$PKI/root-g2.pem" "$MODULE" "$AT" "$PKI/ca-nhan.chain.pem" "$WORK/pdf/plain.pdf")
mcs -warnaserror -nologo -r:"$PKG/lib/net462/Kyso.dll" -out:"$BIND/dotnet-build/kyso-test.exe" bindings/dotnet/KysoTest.cs
cp "$PKG/lib/net462/Kyso.dll" "$BIND/dotnet-build/"
check ".NET tests against the installed package's Kyso.dll and libkyso.so" \
  env LD_LIBRARY_PATH="$PKG/runtimes/linux-x64/native" mono "$BIND/dotnet-build/kyso-test.exe" "$BIND" "${BIND_ARGS[@]}"
JNA=/usr/share/java/jna.jar
javac -Xlint:all -Werror -encoding UTF-8 -cp "$DIST/java/kyso.jar:$JNA" -d "$BIND/java-build" bindings/java/test/vn/kyso/*.java
check "Java tests with the jar's linux-x86-64/libkyso.so (no jna.library.path)" \
  java -cp "$BIND/java-build:$DIST/java/kyso.jar:$JNA" vn.kyso.KysoTest "$BIND" "${BIND_ARGS[@]}"
for f in signed tampered; do
  "$KYSO" verify --json --trust "$PKI/root-g2.pem" --no-revocation --at "$AT" "$BIND/$f.pdf" > "$BIND/parity/cli-$f.json" || true
  for lang in dotnet java; do
    check "the packaged $lang binding's report on $f.pdf equals the Linux CLI's" \
      python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); a.pop("file",None); b.pop("file",None); sys.exit(a!=b)' \
      "$BIND/parity/cli-$f.json" "$BIND/parity/$lang-$f.json"
  done
done
# Where JNA looks for kyso on 64-bit Windows, by its own rules (not a name written here): the method is
# package-private, so the probe joins JNA's package on the class path.
mkdir -p "$BIND/java-build/probe"
cat > "$BIND/java-build/probe/WinPrefix.java" <<'JAVA'
package com.sun.jna;
public class WinPrefix {
    public static void main(String[] a) {
        System.out.println(Platform.getNativeLibraryResourcePrefix(Platform.WINDOWS, "amd64", "Windows 10"));
    }
}
JAVA
javac -cp "$JNA" -d "$BIND/java-build/probe" "$BIND/java-build/probe/WinPrefix.java"
WINPREFIX_JNA=$(java -cp "$BIND/java-build/probe:$JNA" com.sun.jna.WinPrefix)
check "the jar holds kyso.dll under JNA's Windows x64 resource prefix ($WINPREFIX_JNA/)" \
  python3 -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' \
  "$DIST/java/kyso.jar" "$WINPREFIX_JNA/kyso.dll"

step "Wine prefix ($(/usr/lib/wine/wine64 --version 2>/dev/null || wine64 --version))"
eval "$(bash bindings/windows/wine-prefix.sh "$OUT/wine")"
C=$WINEPREFIX/drive_c
wine_() { "$WINE" "$@"; }

step "kyso.exe: version and demo"
check "kyso.exe --version equals the Linux CLI's" \
  test "$(wine_ "$EXE" --version | tr -d '\r')" = "$("$KYSO" --version)"
set +e
wine_ "$EXE" demo --out 'C:\kyso demo' > "$OUT/demo.txt" 2>&1
demo_rc=$?
set -e
check "kyso.exe demo exits 0 and reports VALID at B-LTA" \
  bash -c "[[ $demo_rc == 0 ]] && grep -q '\"verdict\":\"VALID\"' '$OUT/demo.txt' && grep -q '\"level\":\"B-LTA\"' '$OUT/demo.txt'"
check "the demo's signed PDF verifies VALID with the Linux CLI too (demo root, embedded CRLs)" \
  bash -c "'$KYSO' verify --json --trust '$C/kyso demo/demo-root.pem' '$C/kyso demo/cong-van-mau-da-ky.pdf' | grep -q '\"verdict\":\"VALID\"'"

step "sign and verify with Windows paths (drive letter, backslashes, spaces, Vietnamese letters)"
IN_DIR="$C/Văn bản đến"
OUT_DIR="$C/Văn bản đi"
mkdir -p "$IN_DIR" "$OUT_DIR"
cp "$WORK/pdf/plain.pdf" "$IN_DIR/công văn số 1.pdf"
check "kyso.exe sign 'C:\\Văn bản đến\\công văn số 1.pdf' -o 'C:\\Văn bản đi\\công văn đã ký.pdf' --p12 Z:\\…" \
  wine_ "$EXE" sign 'C:\Văn bản đến\công văn số 1.pdf' -o 'C:\Văn bản đi\công văn đã ký.pdf' \
  --p12 "$(winpath "$PKI/ca-nhan.p12")" --password-env KYSO_P12_PASSWORD --chain "$(winpath "$PKI/ca-nhan.chain.pem")" \
  --reason 'Phê duyệt (Windows)' --location 'Pleiku, Gia Lai'
SIGNED_WIN="$OUT_DIR/công văn đã ký.pdf"
wine_ "$EXE" verify --json --trust "$(winpath "$PKI/root-g2.pem")" --no-revocation --at "$AT" \
  'C:\Văn bản đi\công văn đã ký.pdf' > "$OUT/verify-winpath.json" || true
check "kyso.exe verifies it VALID and names the file by its Windows path" \
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(not (r["verdict"]=="VALID" and r["file"]=="C:\\Văn bản đi\\công văn đã ký.pdf"))' "$OUT/verify-winpath.json"
check "a forward-slash Windows path reads the same file" \
  bash -c "'$WINE' '$EXE' verify --trust '$(winpath "$PKI/root-g2.pem")' --no-revocation 'C:/Văn bản đi/công văn đã ký.pdf' > /dev/null"
check "the Linux CLI verifies the Windows-signed PDF VALID" \
  bash -c "'$KYSO' verify --trust '$PKI/root-g2.pem' --no-revocation '$SIGNED_WIN' > /dev/null"
check "pdfsig: the Windows-signed PDF's signature is valid" \
  bash -c "pdfsig -nocert '$SIGNED_WIN' | grep -q 'Signature Validation: Signature is Valid'"

step "reports byte-identical to the Linux CLI's (same inputs, same options, same relative paths)"
PAR=$OUT/parity
mkdir -p "$PAR"
cp "$SIGNED_WIN" "$PAR/windows-signed.pdf"
cp "$WORK/bindings/signed.pdf" "$PAR/linux-signed.pdf"
cp "$WORK/bindings/tampered.pdf" "$PAR/tampered.pdf"
cp "$PKI/root-g2.pem" "$PAR/root.pem"
GOV=$ROOT/../shared/corpora/vn-gov/pdf
[[ -d $GOV ]] && cp "$GOV"/*_signed.pdf "$PAR/"
for pdf in "$PAR"/*.pdf; do
  f=$(basename "$pdf")
  case $f in govportal_*) opts=(--at "$AT") ;; *) opts=(--trust root.pem --no-revocation --at "$AT") ;; esac
  for fmt in json text; do
    json=(); [[ $fmt == json ]] && json=(--json)
    set +e
    (cd "$PAR" && "$KYSO" verify "${json[@]}" "${opts[@]}" "$f" > "$f.linux.$fmt" 2>&1); lrc=$?
    (cd "$PAR" && "$WINE" "$EXE" verify "${json[@]}" "${opts[@]}" "$f" > "$f.windows.$fmt" 2>&1); wrc=$?
    set -e
    check "$f ($fmt): same exit code ($lrc) and the same bytes ($(stat -c %s "$PAR/$f.linux.$fmt") bytes)" \
      bash -c "[[ $lrc == $wrc ]] && cmp -s '$PAR/$f.linux.$fmt' '$PAR/$f.windows.$fmt'"
  done
done

step "Vietnamese on Wine's console (a pseudo-terminal, LANG=C.UTF-8)"
# kyso.exe writes to a console with WriteConsoleW (Rust's standard library does for console handles), so
# the text does not depend on the code page; Wine's console turns it into the terminal's UTF-8. The
# terminal is made wide, so that the console does not wrap lines; escape sequences and CRs are removed.
LANG=C.UTF-8 script -qec "stty cols 4000; '$WINE' '$EXE' cert inspect '$(winpath "$PKI/ca-nhan.pem")'" /dev/null |
  sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r//g' > "$OUT/console.txt"
"$KYSO" cert inspect "$PKI/ca-nhan.pem" > "$OUT/console-linux.txt"
check "the console shows the Linux CLI's text, Vietnamese letters included ($(grep -o 'Nguyễn Văn An' "$OUT/console.txt" | head -1))" \
  bash -c "diff <(grep -v '^\$' '$OUT/console-linux.txt') <(grep -v '^\$' '$OUT/console.txt') && grep -q 'Chủ thể' '$OUT/console.txt'"

step "PKCS#11 modules as Windows DLLs"
token_rc() { # expected-code module
  local out
  out=$("$WINE" "$EXE" token list --pkcs11-module "$2" 2>&1) && return 1
  grep -q "\[$1\]" <<< "$out" || { echo "$out"; return 1; }
}
check "a missing module (C:\\Windows\\System32\\eTPKCS11.dll): error 4004, not found" \
  token_rc 4004 'C:\Windows\System32\eTPKCS11.dll'
check "a bare name (bit4xpki.dll) is looked for in System32 only: error 4004 naming C:\\windows\\System32" \
  bash -c "'$WINE' '$EXE' token list --pkcs11-module bit4xpki.dll 2>&1 | grep -qi '\\[4004\\].*windows.System32.bit4xpki.dll'"
check "a DLL that is not a PKCS#11 module (kernel32.dll): error 4001, C_GetFunctionList missing" \
  bash -c "'$WINE' '$EXE' token list --pkcs11-module kernel32.dll 2>&1 | grep -q '\\[4001\\].*C_GetFunctionList'"
# A 32-bit module in a 64-bit process, the usual SysWOW64 mistake: kyso.dll with its COFF Machine set to i386.
python3 - "$DIST/bin/kyso.dll" "$OUT/module32.dll" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
pe = struct.unpack_from("<I", b, 0x3C)[0]
struct.pack_into("<H", b, pe + 4, 0x014C)
open(sys.argv[2], "wb").write(b)
PY
check "a 32-bit module: error 4005, named as 32-bit x86 against a 64-bit process" \
  bash -c "'$WINE' '$EXE' token list --pkcs11-module '$(winpath "$OUT/module32.dll")' 2>&1 | grep -q '\\[4005\\].*32-bit x86'"

# SoftHSM2 cross-built for Windows from Debian's source packages (tests/softhsm/windows-module.sh, about
# 2.5 minutes on 2 cores), reading a copy of the Linux test tokens: SoftHSM's token files store every
# number as 8 bytes big-endian, so they are the same on both systems. The real loading path of a Windows
# PKCS#11 module through cryptoki, and a real token behind it.
step "SoftHSM2 for Windows (tests/softhsm/windows-module.sh)"
# Built into tests/work/softhsm-win, outside this suite's output: kept between runs (the script skips
# what is built), remade by a clean CI checkout.
HSM=$WORK/softhsm-win
if ! bash tests/softhsm/windows-module.sh "$HSM" > "$OUT/softhsm2-win.log" 2>&1; then
  tail -40 "$OUT/softhsm2-win.log"
  echo "FAIL SoftHSM2 for Windows did not build"
  exit 1
fi
grep -E '^(=== .*(took|result)|softhsm2.*bytes)' "$OUT/softhsm2-win.log" | tail -4
WIN_MODULE=$HSM/bin/softhsm2.dll
cp -r "$(sed -n 's/^directories.tokendir *= *//p' "$SOFTHSM2_CONF")" "$OUT/tokens"
printf 'directories.tokendir = %s\\\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$(winpath "$OUT/tokens")" > "$OUT/softhsm2-win.conf"
WIN_HSM_CONF=$(winpath "$OUT/softhsm2-win.conf")
win_token() { SOFTHSM2_CONF=$WIN_HSM_CONF KYSO_TOKEN_PIN=1234 "$WINE" "$EXE" "$@"; }
check "softhsm2.dll imports Windows' own DLLs only" \
  bash -c "! x86_64-w64-mingw32-objdump -p '$WIN_MODULE' | sed -n 's/^\s*DLL Name: //p' | grep -viqxE 'kernel32.dll|advapi32.dll|msvcrt.dll|user32.dll'"
win_token token list --pkcs11-module "$(winpath "$WIN_MODULE")" --pin-env KYSO_TOKEN_PIN --json > "$OUT/token-list.json" || true
check "kyso.exe token list through softhsm2.dll: token kyso-test, its key ca-nhan and certificate" \
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); t=[t for t in r["tokens"] if t["label"]=="kyso-test"]; sys.exit(not (t and any(k["label"]=="ca-nhan" and k["certificate_subject"] for k in t[0]["keys"])))' "$OUT/token-list.json"
check "kyso.exe sign with the token ('C:\\Văn bản đi\\ký bằng token.pdf')" \
  win_token sign 'C:\Văn bản đến\công văn số 1.pdf' -o 'C:\Văn bản đi\ký bằng token.pdf' \
  --pkcs11-module "$(winpath "$WIN_MODULE")" --token kyso-test --key-label ca-nhan --pin-env KYSO_TOKEN_PIN \
  --chain "$(winpath "$PKI/ca-nhan.chain.pem")"
check "the token-signed PDF verifies VALID with the Linux CLI" \
  bash -c "'$KYSO' verify --trust '$PKI/root-g2.pem' --no-revocation '$OUT_DIR/ký bằng token.pdf' > /dev/null"
set +e
wrong=$(SOFTHSM2_CONF=$WIN_HSM_CONF KYSO_TOKEN_PIN=0000 "$WINE" "$EXE" sign 'C:\Văn bản đến\công văn số 1.pdf' \
  -o 'C:\Văn bản đi\không được ghi.pdf' --pkcs11-module "$(winpath "$WIN_MODULE")" --token kyso-test \
  --key-label ca-nhan --pin-env KYSO_TOKEN_PIN 2>&1)
set -e
check "a wrong PIN: error 4020 with the tries left, and no output file" \
  bash -c "grep -q '\\[4020\\]' <<< \"\$1\" && [[ ! -e '$OUT_DIR/không được ghi.pdf' ]]" _ "$wrong"

step "C clients built with mingw against kyso.dll, run under Wine"
CW=$OUT/c
mkdir -p "$CW"
for t in kyso_test kyso_parity; do
  x86_64-w64-mingw32-gcc -std=c11 -Wall -Wextra -Werror -O1 -I "$DIST/include" "bindings/c/tests/$t.c" \
    "$DIST/lib/libkyso.dll.a" -static -lpthread -o "$CW/$t.exe"
done
cp "$DIST/bin/kyso.dll" "$CW/"
check "the C clients import kyso.dll and Windows' own DLLs only" \
  bash -c "! x86_64-w64-mingw32-objdump -p '$CW/kyso_test.exe' | sed -n 's/^\s*DLL Name: //p' | grep -viqxE 'kyso.dll|kernel32.dll|msvcrt.dll'"
for f in linux-signed tampered; do
  "$KYSO" verify --json --trust "$PAR/root.pem" --no-revocation --at "$AT" "$PAR/$f.pdf" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); r["file"]=None; print(json.dumps(r, ensure_ascii=False, separators=(",", ":")))' \
    > "$CW/$f.cli.json" || true
  (cd "$CW" && "$WINE" kyso_parity.exe "$(winpath "$PAR/$f.pdf")" \
    "{\"trust\":[\"$(winpath "$PAR/root.pem" | sed 's/\\/\\\\/g')\"],\"revocation\":\"off\",\"at\":\"$AT\"}" > "$CW/$f.dll.json")
  check "kyso_parity.exe (kyso.dll) report on $f.pdf equals the Linux CLI's" \
    python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); a.pop("file",None); b.pop("file",None); sys.exit(a!=b)' \
    "$CW/$f.cli.json" "$CW/$f.dll.json"
done
# The C tests in full: verify, threads, misuse, the token (SoftHSM2 for Windows), PKCS#12, LTV, VGCA.
check "kyso_test.exe (kyso.dll) under Wine: every C test passes" \
  bash -c "cd '$CW' && SOFTHSM2_CONF='$WIN_HSM_CONF' '$WINE' kyso_test.exe \
    '$(winpath "$WORK/bindings/signed.pdf")' '$(winpath "$WORK/pdf/plain.pdf")' '$(winpath "$PKI/root-g2.pem")' \
    '$(winpath "$PKI/ca-nhan.p12")' kyso-test '$(winpath "$WIN_MODULE")' '$(winpath "$PKI/ca-nhan.chain.pem")' > '$CW/kyso_test.txt' 2>&1"
grep -c '^ok' "$CW/kyso_test.txt" | sed 's/^/C tests passed under Wine: /'
grep '^FAIL' "$CW/kyso_test.txt" || true

echo
echo "windows: $passed passed, $failed failed (kyso.exe $(stat -c %s "$EXE") bytes, kyso.dll $(stat -c %s "$DIST/bin/kyso.dll") bytes)"
((failed == 0))
