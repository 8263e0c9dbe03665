#!/usr/bin/env bash
# One long fuzzing campaign of one target, on one core, niced, its CPU time recorded:
#
#   bash fuzz/run.sh TARGET SECONDS [extra libFuzzer flags…]
#   bash fuzz/run.sh sign_pdf 3600
#   bash fuzz/run.sh --loop SECONDS     # campaigns of 20 min on the target with the least CPU time
#                                       # so far (fuzz/hours.sh), until SECONDS have passed
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

if [[ ${1:-} == --loop ]]; then
  HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  END=$(($(date +%s) + ${2:?usage: run.sh --loop SECONDS}))
  # Build every target once: the campaigns then fuzz the code as it was at the start.
  (cd "$HERE" && cargo +nightly fuzz build)
  while (($(date +%s) + 300 < END)); do
    slice=$((END - $(date +%s)))
    ((slice > 1200)) && slice=1200
    FUZZ_NO_BUILD=1 bash "$HERE/run.sh" "$(bash "$HERE/hours.sh" --least)" "$slice" || true
  done
  exit 0
fi
TARGET=${1:?usage: run.sh TARGET SECONDS [libFuzzer flags]}
SECONDS_=${2:?usage: run.sh TARGET SECONDS [libFuzzer flags]}
shift 2
FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$FUZZ"
if [[ -z $(ls -A "seeds/$TARGET" 2> /dev/null) ]]; then
  bash seed.sh
fi
mkdir -p logs "artifacts/$TARGET" "corpus/$TARGET" "seeds/$TARGET"
# Two loops on one machine must not pick the same target (their logs would collide).
echo $$ > "logs/$TARGET.running"
trap 'rm -f "logs/$TARGET.running"' EXIT
LOG=logs/$TARGET-$(date -u +%Y%m%dT%H%M%SZ).log
echo "run: $TARGET for ${SECONDS_}s, log $FUZZ/$LOG"
# -jobs/-workers 1: one process; -timeout: an input running longer than 30 s is a hang (wall
# clock: a campaign at nice 19 behind a build is starved for seconds at a time, and at 10 s two
# inputs that run in about 0.1 s were reported as a timeout and a slow unit; they are kept in
# regressions/revisions/ as *-under-load-*);
# -rss_limit_mb: an input needing more than 2 GB is a bug (bounded decompression, budgets).
# Build first (its time is not fuzzing), then run the binary under GNU time, whose user + system
# seconds end the log as `cpu_seconds: N` (fuzz/hours.sh sums them per target).
BIN=target/x86_64-unknown-linux-gnu/release/$TARGET
# In a loop the targets were built at its start; a target added since is built now.
if [[ -z ${FUZZ_NO_BUILD:-} || ! -x $BIN ]]; then
  cargo +nightly fuzz build "$TARGET" > "$LOG" 2>&1
fi
set +e
nice -n "${FUZZ_NICE:-10}" /usr/bin/time -f '%U %S' -o "$LOG.time" \
  "$BIN" "corpus/$TARGET" "seeds/$TARGET" -artifact_prefix="artifacts/$TARGET/" \
  -max_total_time="$SECONDS_" -timeout=30 -report_slow_units=30 -rss_limit_mb=2048 -max_len=1048576 \
  -print_final_stats=1 "$@" >> "$LOG" 2>&1
rc=$?
set -e
# One line, whole seconds of CPU: user + system.
awk 'NF == 2 {printf "cpu_seconds: %d\n", $1 + $2}' "$LOG.time" >> "$LOG"
rm -f "$LOG.time"
exit $rc
