#!/usr/bin/env bash
# Tools of the Windows suite (tests/run.d/70-windows.sh), installed only when missing:
#   - Debian: mingw-w64 (gcc and g++ for x86_64-w64-mingw32: Rust's linker for Windows, the C client, the Wine
#     prefix's bcryptprimitives.dll stand-in, SoftHSM2 for Windows from Debian's sources), wine64 (runs kyso.exe and the C client), nuget (Mono's, packs
#     the .NET binding), and util-linux's script (a pseudo-terminal for the console check);
#   - rustup: the x86_64-pc-windows-gnu target.
# Needs root for apt-get (CI runs as root).
set -euo pipefail
say() { echo "setup(windows): $*"; }

# shellcheck source=../lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/debian.sh"
debian_packages windows gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 nuget bsdutils perl make

if rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  say "rust target x86_64-pc-windows-gnu present"
else
  say "adding rust target x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu
fi
