#!/usr/bin/env bash
# Summarises a campaign made by fuzz/campaign.sh: per target the seconds fuzzed (sum of the
# runs' -max_total_time that ran to the end), executions, the last coverage line (cov/ft) and
# the artifacts (crash-*, timeout-*, oom-*, slow-unit-*) found; with MARK=SECONDS also the
# executions and cov/ft of each target's first run at that mark (to compare campaigns).
#   [MARK=300] campaign_report.sh OUT_DIR
set -uo pipefail
out=$1
mark=${MARK:-}
printf '%-20s %8s %12s %8s %8s %6s  %s\n' target seconds execs cov ft corpus artifacts
for dir in "$out"/*/; do
  t=$(basename "$dir")
  [ -d "$dir/corpus" ] || continue
  seconds=0 execs=0 cov=- ft=-
  for log in "$dir"/run-*.log; do
    # Fork mode prints "#N: cov: C ft: F corp: K exec/s E oom/timeout/crash: a/b/c time: Ts job: J"
    # (campaign.sh puts the time of day in front).
    last=$(grep -a -E '(^| )#[0-9]+: cov:' "$log" | tail -1)
    [ -n "$last" ] || continue
    execs=$((execs + $(sed -E 's/.*#([0-9]+): cov:.*/\1/' <<<"$last")))
    seconds=$((seconds + $(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$last")))
    cov=$(sed -E 's/.* cov: ([0-9]+) .*/\1/' <<<"$last")
    ft=$(sed -E 's/.* ft: ([0-9]+) .*/\1/' <<<"$last")
  done
  at_mark=
  if [ -n "$mark" ]; then
    first=$(ls "$dir"/run-*.log 2>/dev/null | head -1)
    at=$(grep -a -E '(^| )#[0-9]+: cov:' "$first" 2>/dev/null |
      awk -v m="$mark" '{ for (i = 1; i < NF; ++i) if ($i == "time:") { t = $(i + 1) + 0 }
                         if (t >= m) { print; exit } }')
    [ -n "$at" ] && at_mark=$(printf '%-20s %8s %12s %8s %8s  (first run, at the %ss mark)' "" \
      "$(sed -E 's/.* time: ([0-9]+)s.*/\1/' <<<"$at")" \
      "$(sed -E 's/.*#([0-9]+): cov:.*/\1/' <<<"$at")" "$(sed -E 's/.* cov: ([0-9]+) .*/\1/' <<<"$at")" \
      "$(sed -E 's/.* ft: ([0-9]+) .*/\1/' <<<"$at")" "$mark")
  fi
  corpus=$(ls "$dir/corpus" | wc -l)
  artifacts=$(ls "$dir/artifacts" 2>/dev/null | sed -E 's/-[0-9a-f]+$//' | sort | uniq -c |
    awk '{printf "%s%s x%s", sep, $2, $1; sep=", "}')
  printf '%-20s %8s %12s %8s %8s %6s  %s\n' "$t" "$seconds" "$execs" "$cov" "$ft" "$corpus" \
    "${artifacts:-none}"
  [ -z "$at_mark" ] || echo "$at_mark"
done
