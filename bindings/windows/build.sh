#!/usr/bin/env bash
# The Windows release, cross-built on Linux with Debian's mingw-w64 and Rust's x86_64-pc-windows-gnu:
#
#   bash bindings/windows/build.sh [OUT]        # OUT defaults to target/windows
#
# makes OUT/kyso-VERSION-windows-x64.zip and, beside it, the same tree unpacked and the NuGet package:
#
#   bin/kyso.exe, bin/kyso.dll      the CLI and the C ABI, stripped; they import only Windows' own DLLs
#                                   (mingw's runtime is linked statically; checked below)
#   lib/libkyso.dll.a, lib/kyso.def import library for mingw (-lkyso) and the export list, from which
#                                   MSVC's `lib /def:kyso.def /machine:x64 /out:kyso.lib` makes kyso.lib
#   include/kyso.h                  the C header (the same one as on Linux)
#   dotnet/Kyso.VERSION.nupkg       Kyso.dll (lib/net462) + runtimes/win-x64/native/kyso.dll +
#                                   runtimes/linux-x64/native/libkyso.so; dotnet/Kyso.cs, the source
#   java/kyso.jar                   the JNA wrapper with win32-x86-64/kyso.dll and linux-x86-64/libkyso.so
#                                   inside, where JNA looks for a library by platform
#   LICENSE-MIT, LICENSE-APACHE, OFL.txt (the built-in Liberation Serif font), THIRD-PARTY.txt, README.txt
#
# The library is named kyso on every platform in these packages (cargo names the cdylib after its crate,
# kyso_ffi). Needs: gcc-mingw-w64-x86-64, the Rust target x86_64-pc-windows-gnu, a JDK and Debian's
# libjna-java, Mono's mcs and Debian's nuget (tests/setup.d/70-windows.sh installs them).
# Honours CARGO_TARGET_DIR. KYSO_LINUX_SO=FILE packages that Linux library instead of building one in
# release (the test suite passes the one its bindings tests already built, to save a full build).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=$(mkdir -p "${1:-$TARGET/windows}" && cd "${1:-$TARGET/windows}" && pwd)
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
NAME=kyso-$VERSION-windows-x64
STAGE=$OUT/$NAME
WIN=$TARGET/x86_64-pc-windows-gnu/release
JNA=/usr/share/java/jna.jar
say() { echo "windows: $*"; }

say "cargo build --release --target x86_64-pc-windows-gnu (kyso.exe, kyso_ffi.dll)"
cargo build -q --release --target x86_64-pc-windows-gnu -p kyso-cli -p kyso-ffi
LINUX_SO=${KYSO_LINUX_SO:-$TARGET/release/libkyso_ffi.so}
if [[ -n ${KYSO_LINUX_SO:-} ]]; then
  say "libkyso.so for the NuGet package and the jar: $KYSO_LINUX_SO"
else
  say "cargo build --release (libkyso_ffi.so for the NuGet package and the jar)"
  cargo build -q --release -p kyso-ffi
fi

rm -rf "$STAGE" "$OUT/$NAME.zip"
mkdir -p "$STAGE"/{bin,lib,include,dotnet,java}
x86_64-w64-mingw32-strip -o "$STAGE/bin/kyso.exe" "$WIN/kyso.exe"
x86_64-w64-mingw32-strip -o "$STAGE/bin/kyso.dll" "$WIN/kyso_ffi.dll"
strip -o "$OUT/libkyso.so" "$LINUX_SO"

# Only Windows' own DLLs may be imported: no libgcc_s, libwinpthread or libstdc++ to ship beside them.
# bcryptprimitives.dll is Windows' (8.1 and later); the api-ms-win-* names are Windows API sets.
for f in kyso.exe kyso.dll; do
  imports=$(x86_64-w64-mingw32-objdump -p "$STAGE/bin/$f" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
  extra=$(grep -vxE 'kernel32\.dll|ntdll\.dll|msvcrt\.dll|ws2_32\.dll|userenv\.dll|advapi32\.dll|bcrypt\.dll|bcryptprimitives\.dll|api-ms-win-[a-z0-9-]+\.dll' <<< "$imports" || true)
  if [[ -n $extra ]]; then
    echo "windows: $f imports DLLs that Windows does not have: $extra" >&2
    exit 1
  fi
  say "$f imports $(tr '\n' ' ' <<< "$imports")"
done

# The import library names kyso.dll (mingw's own, from the link, would name kyso_ffi.dll): a .def with
# the DLL's exports, then dlltool.
{
  echo "LIBRARY kyso.dll"
  echo "EXPORTS"
  x86_64-w64-mingw32-objdump -p "$STAGE/bin/kyso.dll" |
    awk '/\[Ordinal\/Name Pointer\] Table/ {t = 1; next} t && /^[ \t]*\[ *[0-9]+\]/ {print "  " $NF; next} t && NF == 0 {t = 0}'
} > "$STAGE/lib/kyso.def"
exports=$(grep -c '^  kyso_' "$STAGE/lib/kyso.def")
header=$(grep -cE '^[a-z].*[ *]kyso_[a-z0-9_]+\(' bindings/c/include/kyso.h)
if ((exports != header)); then
  echo "windows: kyso.dll exports $exports kyso_ functions, kyso.h declares $header" >&2
  exit 1
fi
x86_64-w64-mingw32-dlltool --dllname kyso.dll --def "$STAGE/lib/kyso.def" --output-lib "$STAGE/lib/libkyso.dll.a"
cp bindings/c/include/kyso.h "$STAGE/include/"
say "kyso.dll: $exports exported functions, import library lib/libkyso.dll.a"

# Java: the JNA wrapper, with both native libraries as class-path resources under JNA's platform folders
# (Platform.RESOURCE_PREFIX: linux-x86-64, win32-x86-64).
JAVA=$OUT/java-build
rm -rf "$JAVA" && mkdir -p "$JAVA/classes/linux-x86-64" "$JAVA/classes/win32-x86-64"
javac -Xlint:all -Werror -encoding UTF-8 --release 11 -cp "$JNA" -d "$JAVA/classes" bindings/java/src/vn/kyso/*.java
cp "$OUT/libkyso.so" "$JAVA/classes/linux-x86-64/libkyso.so"
cp "$STAGE/bin/kyso.dll" "$JAVA/classes/win32-x86-64/kyso.dll"
jar --create --file "$STAGE/java/kyso.jar" -C "$JAVA/classes" .
say "java/kyso.jar (needs JNA 5 on the class path)"

# .NET: Kyso.dll built by Mono's mcs, packed by Debian's nuget with both native libraries.
NET=$OUT/dotnet-build
rm -rf "$NET" && mkdir -p "$NET/lib/net462" "$NET/runtimes/win-x64/native" "$NET/runtimes/linux-x64/native"
mcs -warnaserror -nologo -optimize+ -target:library -out:"$NET/lib/net462/Kyso.dll" bindings/dotnet/Kyso.cs
cp "$STAGE/bin/kyso.dll" "$NET/runtimes/win-x64/native/kyso.dll"
cp "$OUT/libkyso.so" "$NET/runtimes/linux-x64/native/libkyso.so"
sed "s/@VERSION@/$VERSION/" "$HERE/Kyso.nuspec" > "$NET/Kyso.nuspec"
cp LICENSE-MIT LICENSE-APACHE "$NET/"
# Mono's nuget writes its settings under HOME; keep them out of the user's.
(cd "$NET" && HOME=$NET nuget pack Kyso.nuspec -NoPackageAnalysis -NonInteractive -OutputDirectory "$STAGE/dotnet" > pack.log 2>&1) ||
  { cat "$NET/pack.log" >&2; exit 1; }
cp bindings/dotnet/Kyso.cs "$STAGE/dotnet/"
say "dotnet/Kyso.$VERSION.nupkg"

cp LICENSE-MIT LICENSE-APACHE "$STAGE/"
cp crates/kyso-sign/fonts/OFL.txt "$STAGE/OFL.txt"
cp "$HERE/README.txt" "$STAGE/README.txt"
# Every crate linked into kyso.exe and kyso.dll, with its declared licence.
cargo metadata --format-version 1 --filter-platform x86_64-pc-windows-gnu |
  python3 "$HERE/third_party.py" kyso-cli kyso-ffi > "$STAGE/THIRD-PARTY.txt"

# Deflated, in name order (python's `-m zipfile -c` would store without compressing).
python3 - "$OUT/$NAME.zip" "$OUT" "$NAME" <<'PY'
import os, sys, zipfile
out, base, name = sys.argv[1:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for d, dirs, files in os.walk(os.path.join(base, name)):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(d, f)
            z.write(path, os.path.relpath(path, base))
PY
say "$OUT/$NAME.zip: $(stat -c %s "$OUT/$NAME.zip") bytes; kyso.exe $(stat -c %s "$STAGE/bin/kyso.exe"), kyso.dll $(stat -c %s "$STAGE/bin/kyso.dll") bytes"
