#!/usr/bin/env bash
# Summarises a campaign made by fuzz/campaign.sh: per target the seconds fuzzed (sum of the
# runs' -max_total_time that ran to the end), executions, the last coverage line (cov/ft) and
# the artifacts (crash-*, timeout-*, oom-*, slow-unit-*) found.
#   campaign_report.sh OUT_DIR
set -uo pipefail
out=$1
printf '%-20s %8s %12s %8s %8s %6s  %s\n' target seconds execs cov ft corpus artifacts
for dir in "$out"/*/; do
  t=$(basename "$dir")
  [ -d "$dir/corpus" ] || continue
  seconds=0 execs=0 cov=- ft=-
  for log in "$dir"/run-*.log; do
    # Fork mode prints "#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: a/b/c time: Ts job: J".
    last=$(grep -a '^#[0-9]*: cov:' "$log" | tail -1)
    [ -n "$last" ] || continue
    execs=$((execs + $(sed -E 's/^#([0-9]+):.*/\1/' <<<"$last")))
    seconds=$((seconds + $(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")))
    cov=$(sed -E 's/.* cov: ([0-9]+) .*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+) .*/\1/' <<<"$last")
  done
  corpus=$(ls "$dir/corpus" | wc -l)
  artifacts=$(ls "$dir/artifacts" 2>/dev/null | sed -E 's/-[0-9a-f]+$//' | sort | uniq -c |
    awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
  printf '%-20s %8s %12s %8s %8s %6s  %s\n' "$t" "$seconds" "$execs" "$cov" "$ft" "$corpus" \
    "${artifacts:-none}"
done
