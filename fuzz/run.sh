#!/usr/bin/env bash
# One long fuzzing campaign of one target, on one core, niced:
#
#   bash fuzz/run.sh TARGET SECONDS [extra libFuzzer flags…]
#   bash fuzz/run.sh sign_pdf 3600
#
# Makes the seeds (fuzz/seed.sh) when fuzz/seeds/TARGET/ is empty, builds the target if needed
# (cargo +nightly fuzz build, ASan, release with debug assertions), then runs libFuzzer with
# -max_total_time=SECONDS on fuzz/corpus/TARGET/ and the seeds; new coverage goes into
# fuzz/corpus/TARGET/ (gitignored, kept between campaigns), crashes into fuzz/artifacts/TARGET/.
# The log is fuzz/logs/TARGET-<UTC time>.log; its last lines give the executions ("#N … DONE",
# stat::number_of_executed_units). A crash stops the campaign; then:
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
if [[ -z $(ls -A "seeds/$TARGET" 2> /dev/null) ]]; then
  bash seed.sh
fi
mkdir -p logs "artifacts/$TARGET" "corpus/$TARGET" "seeds/$TARGET"
LOG=logs/$TARGET-$(date -u +%Y%m%dT%H%M%SZ).log
echo "run: $TARGET for ${SECONDS_}s, log $FUZZ/$LOG"
# -jobs/-workers 1: one process; -timeout: an input running longer than 10 s is a hang;
# -rss_limit_mb: an input needing more than 2 GB is a bug (bounded decompression, budgets).
exec nice -n 10 cargo +nightly fuzz run "$TARGET" "corpus/$TARGET" "seeds/$TARGET" -- \
  -max_total_time="$SECONDS_" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
  -print_final_stats=1 "$@" > "$LOG" 2>&1
