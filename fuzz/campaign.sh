#!/usr/bin/env bash
# A long fuzz campaign: runs the targets lane by lane (one fuzzer per lane at a time, niced),
# keeping each target's corpus, crashes and logs under OUT/<target>/ so that several runs of
# the same target add up. Crashes, timeouts and OOMs are recorded and fuzzing goes on
# (libFuzzer fork mode), so one finding does not end a target's time. Runs are nice 19, or
# CAMPAIGN_NICE.
#   campaign.sh BUILD_DIR OUT_DIR "target:seconds target:seconds ..." ["lane 2" ...]
# e.g. fuzz/campaign.sh build/fuzz build/fuzz-campaign "zip:1800 seven_zip:1800" "bundle:3600"
# Summarise afterwards with fuzz/campaign_report.sh OUT_DIR.
set -uo pipefail
build=$(cd "$1" && pwd) out=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)

run_one() { # target seconds
  local t=$1 s=$2 dir="$out/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  # Unique even when two lanes start the same target at once (they share its corpus).
  local log="$dir/run-$(date -u +%Y%m%dT%H%M%S)-$BASHPID.log"
  echo "$(date -u +%FT%TZ) start $t for ${s}s -> $log" >>"$out/campaign.log"
  # Each log line gets the UTC time, so that runs can be compared at a given mark (the stats
  # lines also carry the seconds fuzzed).
  nice -n "${CAMPAIGN_NICE:-19}" "$build/fuzz/fuzz_$t" "$dir/corpus" "$build/fuzz/seeds/$t" \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$s" -timeout=20 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" 2>&1 |
    perl -MPOSIX -ne '$|=1; print strftime("%H:%M:%S ", gmtime), $_' >"$log"
  echo "$(date -u +%FT%TZ) end $t (exit ${PIPESTATUS[0]})" >>"$out/campaign.log"
}

lane() { # "target:seconds ..."
  for item in $1; do run_one "${item%%:*}" "${item##*:}"; done
}

for plan in "$@"; do lane "$plan" & done
wait
echo "$(date -u +%FT%TZ) campaign done" >>"$out/campaign.log"
