#!/usr/bin/env bash
# Tools of the Windows suite (tests/run.d/70-windows.sh), installed only when missing:
#   - Debian: mingw-w64 (gcc and g++ for x86_64-w64-mingw32: Rust's linker for Windows, the C client, the Wine
#     prefix's bcryptprimitives.dll stand-in, SoftHSM2 for Windows from Debian's sources), wine64 (runs kyso.exe and the C client), nuget (Mono's, packs
#     the .NET binding), and util-linux's script (a pseudo-terminal for the console check);
#   - rustup: the x86_64-pc-windows-gnu target.
# Needs root for apt-get (CI runs as root).
set -euo pipefail
say() { echo "setup(windows): $*"; }

pkgs=()
for p in gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 wine64 nuget bsdutils perl make; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || pkgs+=("$p")
done
if [[ ${#pkgs[@]} -gt 0 ]]; then
  say "installing Debian packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" > /dev/null
else
  say "Debian packages present (mingw-w64 gcc and g++, wine64, nuget, bsdutils, perl, make)"
fi

if rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
  say "rust target x86_64-pc-windows-gnu present"
else
  say "adding rust target x86_64-pc-windows-gnu"
  rustup target add x86_64-pc-windows-gnu
fi
