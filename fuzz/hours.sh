#!/usr/bin/env bash
# CPU time spent per fuzz target, summed over the campaign logs in fuzz/logs/ (one process per
# campaign, so wall seconds = CPU seconds), with executions and crash artifacts:
#
#   bash fuzz/hours.sh            # table: target, campaigns, seconds, hours, executions, crashes
#   bash fuzz/hours.sh --least    # the target with the least time so far that no campaign is
#                                 # running now (for campaign loops; fuzz/logs/TARGET.running)
set -euo pipefail
FUZZ=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$FUZZ"
table() {
  for dir in fuzz_targets/*.rs; do
    t=$(basename "$dir" .rs)
    secs=0 runs=0 n=0
    for log in logs/"$t"-*.log; do
      [[ -e $log ]] || continue
      # "Done N runs in S second(s)" is printed at the end of a finished campaign; a campaign
      # stopped early (crash, kill) counts by its last status line "#N ... secs: S"? libFuzzer
      # does not print seconds there, so an unfinished campaign counts by its log's mtime span.
      line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
      cpu=$(grep -E '^cpu_seconds: *[0-9]+' "$log" | tail -1 | awk '{print $2}' || true)
      if [[ -n $cpu ]]; then
        s=$cpu
        r=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
        r=${r:-0}
      elif [[ -n $line ]]; then
        r=$(awk '{print $2}' <<< "$line")
        s=$(awk '{print $5}' <<< "$line")
      else
        start=$(date -u -d "$(sed -E 's/.*-([0-9]{8})T([0-9]{2})([0-9]{2})([0-9]{2})Z\.log/\1 \2:\3:\4/' <<< "$log")" +%s)
        s=$(( $(stat -c %Y "$log") - start ))
        r=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
        r=${r:-0}
      fi
      secs=$((secs + s)) runs=$((runs + r)) n=$((n + 1))
    done
    crashes=$( (find "artifacts/$t" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) 2> /dev/null || true) | wc -l)
    printf '%s\t%d\t%d\t%.2f\t%d\t%d\n' "$t" "$n" "$secs" "$(bc -l <<< "$secs/3600")" "$runs" "$crashes"
  done
}
running() {
  [[ -f logs/$1.running ]] && kill -0 "$(cat "logs/$1.running")" 2> /dev/null
}
if [[ ${1:-} == --least ]]; then
  table | sort -t$'\t' -k3,3n | cut -f1 | while read -r t; do
    running "$t" || { echo "$t"; break; }
  done
else
  printf 'target\tcampaigns\tseconds\thours\texecutions\tcrash-artifacts\n'
  table
fi
