#!/usr/bin/env bash
# Tools of the render suite (tests/run.d/30-render.sh), installed only when missing:
#   - poppler-utils (pdftoppm, pdftotext, pdfsig) and python3 (the pixel, text and glyph checks);
#   - util-linux's unshare (Debian's essential util-linux), to sign with the system's fonts hidden.
# No font package: kyso's text blocks use the Liberation Serif built into the library.
# Needs root for apt-get (CI runs as root).
set -euo pipefail

# shellcheck source=../lib/debian.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/debian.sh"
debian_packages render poppler-utils python3 util-linux
