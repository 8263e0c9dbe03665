#!/usr/bin/env bash
# Makes (once) a Wine prefix in which programs cross-built by Rust for Windows start, and prints the
# environment to use it:
#
#   eval "$(bash bindings/windows/wine-prefix.sh DIR)"   # sets WINEPREFIX, WINEDEBUG, WINEDLLOVERRIDES, WINE
#   "$WINE" kyso.exe --version
#
# Debian 12's Wine 8.0 lacks bcryptprimitives.dll, whose ProcessPrng every current Rust program imports;
# the prefix gets a stand-in built here with mingw (bcryptprimitives.c), copied into system32.
# wineboot runs without a display; Wine's Mono and Gecko installers are disabled (no network, not needed).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=$(mkdir -p "${1:?usage: wine-prefix.sh DIR}" && cd "$1" && pwd)
WINE=$(command -v wine64 || true)
[[ -n $WINE ]] || WINE=/usr/lib/wine/wine64 # Debian's wine64 package has no wine64 on PATH
[[ -x $WINE ]] || { echo "wine-prefix.sh: wine64 not found (Debian package wine64)" >&2; exit 1; }
export WINEPREFIX=$DIR/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
SYS32=$WINEPREFIX/drive_c/windows/system32
if [[ ! -f $SYS32/kernel32.dll ]]; then
  "$WINE" wineboot -i > "$DIR/wineboot.log" 2>&1 || { cat "$DIR/wineboot.log" >&2; exit 1; }
  # wineboot returns before wineserver has written the registry; wait for it.
  "$(dirname "$WINE")/wineserver" -w 2>/dev/null || true
fi
if [[ ! -f $SYS32/bcryptprimitives.dll || $HERE/bcryptprimitives.c -nt $SYS32/bcryptprimitives.dll ]]; then
  x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -Werror -o "$SYS32/bcryptprimitives.dll" \
    "$HERE/bcryptprimitives.c" -ladvapi32
fi
printf 'export WINEPREFIX=%q WINEDEBUG=%q WINEDLLOVERRIDES=%q WINE=%q\n' \
  "$WINEPREFIX" "$WINEDEBUG" "$WINEDLLOVERRIDES" "$WINE"
