#!/usr/bin/env bash
# Tools of the render suite (tests/run.d/30-render.sh), installed only when missing:
#   - poppler-utils (pdftoppm, pdftotext, pdfsig) and python3 (the pixel, text and glyph checks);
#   - util-linux's unshare (Debian's essential util-linux), to sign with the system's fonts hidden.
# No font package: kyso's text blocks use the Liberation Serif built into the library.
# Needs root for apt-get (CI runs as root).
set -euo pipefail

pkgs=()
for p in poppler-utils python3 util-linux; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || pkgs+=("$p")
done
if [[ ${#pkgs[@]} -gt 0 ]]; then
  echo "setup(render): installing Debian packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi
