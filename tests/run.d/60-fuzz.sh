#!/usr/bin/env bash
# Fuzzing smoke: builds every cargo-fuzz target in one `cargo +nightly fuzz build` (ASan, about five
# minutes from scratch), makes the seeds (fuzz/seed.sh, fuzz/seeds/), then runs each target on its
# committed regressions (fuzz/regressions/<target>/) and for a short time from its seeds alone (the
# PDF targets need ~30 s just to run their ~240 seeds once). Fails on any crash, timeout (10 s per
# input) or input needing more than 2 GB. About 3-4 minutes after the build. Long campaigns: fuzz/run.sh.
#
#   bash tests/run.d/60-fuzz.sh        (FUZZ_SECONDS=10 per target by default)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ=$ROOT/fuzz
SECS=${FUZZ_SECONDS:-10}
say() { echo "fuzz-smoke: $*"; }

cd "$FUZZ"
# cargo fuzz keeps its own target dir (fuzz/target): a CARGO_TARGET_DIR of the workspace would mix
# the ASan build with the normal one.
unset CARGO_TARGET_DIR
start=$(date +%s)
say "building every target (cargo +nightly fuzz build)"
nice -n 10 cargo +nightly fuzz build
say "built in $(( $(date +%s) - start ))s"
bash seed.sh | tail -n +1 | grep -v ' new$' || true

BIN=$FUZZ/target/x86_64-unknown-linux-gnu/release
mkdir -p "$FUZZ/artifacts"
# New units go to a scratch directory: the smoke always starts from the same seeds.
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
failed=()
for target in $(cargo +nightly fuzz list); do
  regress=()
  if [[ -d regressions/$target ]]; then
    mapfile -t regress < <(find "regressions/$target" -type f)
  fi
  if [[ ${#regress[@]} -gt 0 ]] \
     && ! nice -n 10 "$BIN/$target" -rss_limit_mb=2048 -timeout=10 -runs=1 "${regress[@]}" > "artifacts/$target-regressions.log" 2>&1; then
    say "FAIL $target: a committed regression crashes (fuzz/artifacts/$target-regressions.log)"
    failed+=("$target")
    continue
  fi
  mkdir -p "artifacts/$target"
  t0=$(date +%s)
  mkdir -p "$SCRATCH/$target"
  if nice -n 10 "$BIN/$target" "$SCRATCH/$target" "seeds/$target" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="artifacts/$target/" -print_final_stats=1 > "artifacts/$target-smoke.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "artifacts/$target-smoke.log" | grep -o '[0-9]*$' || echo '?')
    say "ok   $target: $runs executions in $(( $(date +%s) - t0 ))s, ${#regress[@]} regressions"
  else
    say "FAIL $target: see fuzz/artifacts/$target-smoke.log and fuzz/artifacts/$target/"
    tail -n 40 "artifacts/$target-smoke.log"
    failed+=("$target")
  fi
done
say "total $(( $(date +%s) - start ))s"
if [[ ${#failed[@]} -gt 0 ]]; then
  say "crashes in: ${failed[*]}"
  exit 1
fi
