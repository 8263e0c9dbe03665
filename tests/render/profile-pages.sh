#!/usr/bin/env bash
# Renders page 1 of one signed document per profile, from the render suite's output, into
# docs/profiles/ (the pictures the README and the closing notes show):
#
#   bash tests/run.d/30-render.sh && bash tests/render/profile-pages.sh [RENDER_OUT]
#
# Each picture is the letterhead (or letter) page as signed by `kyso sign --profile …` with the
# system's fonts hidden; 60 dpi PNG.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-${KYSO_TEST_WORK:-$ROOT/tests/work}/render}
DOCS=$ROOT/docs/profiles
mkdir -p "$DOCS"
for pair in approval-issuance:issuance-number attachment:letterhead-attachment copy:letterhead-copy \
  appendix:letterhead-appendix income:letterhead-income comment:letterhead-comment; do
  name=${pair%%:*} file=$OUT/${pair##*:}.pdf
  [[ -f $file ]] || { echo "profile-pages: $file missing: run tests/run.d/30-render.sh first" >&2; exit 1; }
  pdftoppm -r 60 -f 1 -l 1 -singlefile -png "$file" "$DOCS/$name"
  echo "docs/profiles/$name.png <- $(basename "$file")"
done
