#!/usr/bin/env bash
# One long fuzzing campaign of one target, on one core, niced:
#
#   bash fuzz/run.sh TARGET SECONDS [extra libFuzzer flags…]
#   bash fuzz/run.sh sign_pdf 3600
#
# Seeds fuzz/corpus/TARGET/ with fuzz/seed.sh when it is empty, builds the target if needed
# (cargo +nightly fuzz build, ASan, release with debug assertions), then runs libFuzzer with
# -max_total_time=SECONDS; new coverage goes back into fuzz/corpus/TARGET/ (gitignored), crashes
# into fuzz/artifacts/TARGET/. The log is fuzz/logs/TARGET-<UTC time>.log; its last lines give
# the executions ("#N … DONE") and the time. A crash stops the campaign; then:
#
#   cargo +nightly fuzz tmin TARGET fuzz/artifacts/TARGET/crash-…      (minimise)
#   cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/minimized-…   (reproduce, with a backtrace)
#
# and, once fixed, commit the minimised input as fuzz/regressions/TARGET/<what-it-was> (run on stable
# by bindings/c/tests/fuzz_regressions.rs). Run one campaign at a time on a shared machine.
set -euo pipefail

TARGET=${1:?usage: run.sh TARGET SECONDS [libFuzzer flags]}
SECONDS_=${2:?usage: run.sh TARGET SECONDS [libFuzzer flags]}
shift 2
FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$FUZZ"
if [[ -z $(ls -A "corpus/$TARGET" 2> /dev/null) ]]; then
  bash seed.sh
fi
mkdir -p logs "artifacts/$TARGET"
LOG=logs/$TARGET-$(date -u +%Y%m%dT%H%M%SZ).log
echo "run: $TARGET for ${SECONDS_}s, log $FUZZ/$LOG"
# -jobs/-workers 1: one process; -timeout: an input running longer than 10 s is a hang;
# -rss_limit_mb: an input needing more than 2 GB is a bug (bounded decompression, budgets).
exec nice -n 10 cargo +nightly fuzz run "$TARGET" "corpus/$TARGET" -- \
  -max_total_time="$SECONDS_" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
  -print_final_stats=1 "$@" > "$LOG" 2>&1
