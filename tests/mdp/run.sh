#!/usr/bin/env bash
# Modification-analysis suite (issue 10): scenarios generated at test time with pyHanko —
# signed (approval, certification P=1/2/3, FieldMDP locks) and then changed the way honest tools
# or attackers change signed PDFs (tests/mdp/scenarios.py states each expected verdict and the
# rule it comes from) — judged by kyso, with pyHanko's difference analysis printed beside it as a
# second opinion (tests/mdp/check.py). A scenario whose kyso verdict differs from the expected
# one fails the suite. Needs tests/work/pki (bash tests/run.sh builds it).
# Prints "mdp: N passed, M failed"; exits 1 on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
WORK=${KYSO_TEST_WORK:-$ROOT/tests/work}
PKI=$WORK/pki
OUT=$WORK/mdp
PY=$ROOT/tests/.venv/bin/python
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
[[ -f $PKI/ca-nhan.pem ]] || { echo "mdp: $PKI missing: run bash tests/run.sh first" >&2; exit 1; }
cargo build -q -p kyso-cli
KYSO=$CARGO_TARGET_DIR/debug/kyso
rm -rf "$OUT"
"$PY" tests/mdp/scenarios.py "$OUT" "$PKI"
# pyHanko logs every refused difference analysis with a traceback: keep them out of the table.
"$PY" tests/mdp/check.py "$OUT" "$PKI" "$KYSO" 2> "$OUT/pyhanko.log"
