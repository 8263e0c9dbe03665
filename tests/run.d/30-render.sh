#!/usr/bin/env bash
# The render suite, run by tests/run.sh (environment: KYSO_TEST_WORK, KYSO_PYHANKO): signs with
# every Decree 30 profile, renders the pages with pdftoppm and checks pixels and text positions,
# then has kyso, pyHanko and pdfsig judge every signature. See tests/render/render-test.sh.
# Honours CARGO_TARGET_DIR.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$ROOT/tests/render/render-test.sh"
