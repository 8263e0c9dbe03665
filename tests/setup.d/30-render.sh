#!/usr/bin/env bash
# Tools of the render suite (tests/run.d/30-render.sh), installed only when missing:
#   - fonts-liberation2: Liberation Serif 2.x, metric-compatible with Times New Roman and, unlike
#     fonts-liberation 1.07, complete for Vietnamese (Ụ, Ữ…); kyso finds it on the system;
#   - poppler-utils (pdftoppm, pdftotext, pdfsig) and python3 (the pixel and text checks).
# Needs root for apt-get (CI runs as root).
set -euo pipefail

pkgs=()
for p in fonts-liberation2 poppler-utils python3; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || pkgs+=("$p")
done
if [[ ${#pkgs[@]} -gt 0 ]]; then
  echo "setup(render): installing Debian packages: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
fi
