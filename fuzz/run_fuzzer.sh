#!/usr/bin/env bash
# Runs one fuzz target for a while on its seed corpus; fails (non-zero) on any crash, leak,
# sanitizer report, timeout or out-of-memory, leaving the input in WORK/crash-*.
#   run_fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS [extra libFuzzer flags...]
# New corpus entries go to WORK_DIR/corpus, never into the seed directory.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-*
status=0
"$fuzzer" "$work/corpus" "$seeds" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 \
  -artifact_prefix="$work/" -print_final_stats=1 "$@" >"$work/log" 2>&1 || status=$?
grep -E '^stat::(number_of_executed_units|new_units_added)|cov:.*ft:' "$work/log" | tail -3 || true
if [ "$status" -ne 0 ]; then
  tail -60 "$work/log"
  echo "run_fuzzer: $(basename "$fuzzer") failed (exit $status); input: $(ls "$work"/crash-* "$work"/timeout-* "$work"/oom-* "$work"/leak-* 2>/dev/null | head -1)"
fi
exit "$status"
