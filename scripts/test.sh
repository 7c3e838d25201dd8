#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit + integration tests under ASan/UBSan, the same in
# a release build (plus the full-reel scale test), every fuzz target briefly on its seeds,
# then the browser end-to-end tests.
# Builds use the presets of CMakePresets.json (build/asan, build/release, build/fuzz, build/wasm).
#
# Two lanes run side by side so that both cores stay busy (the machine has two; a build
# saturates them, but fixture generation, the tails of the test runs and the browser tests do
# not):
#   native: build asan -> build release -> ctest asan -> ctest release -> build fuzz -> ctest fuzz
#   web:    fixtures -> web build -> Playwright
# Each phase's output goes to build/test-logs/<phase>.log and is printed, in the order above,
# once everything has passed; a phase's start and end are announced as they happen. The first
# failing phase stops the run: its log is shown, the other lane is stopped, the exit status is
# non-zero. The output ends with the time per phase and then the test runners' own summaries.
set -euo pipefail
set -m # every lane in its own process group, so a failure can stop a lane with its children
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=$(nproc)

LOGS=build/test-logs
PHASES=build/test-phases.txt
mkdir -p build
rm -rf "$LOGS"
mkdir -p "$LOGS"
: >"$PHASES"
SUITE_START=$(date +%s%N)

elapsed() { printf '%.1f' "$((($(date +%s%N) - $1) / 1000000))e-3"; }

# phase NAME COMMAND...: runs COMMAND with its output in $LOGS/NAME.log and appends its time to
# $PHASES (so a failed run still shows where the time went). On failure it records the phase in
# $LOGS/FAILED and returns non-zero (which ends the lane: set -e).
# The CPU seconds (user + system of the phase and its children) are measured too: unlike the
# wall time they do not depend on what else runs on the machine.
TIMER=()
[[ -x /usr/bin/time ]] && TIMER=(/usr/bin/time -q -f '%U %S')
phase() {
  local name=$1 start status=0 cpu=
  shift
  start=$(date +%s%N)
  echo "-- $name: started at +$(elapsed "$SUITE_START") s"
  if [[ ${#TIMER[@]} -gt 0 ]]; then
    "${TIMER[@]}" -o "$LOGS/$name.cpu" "$@" >"$LOGS/$name.log" 2>&1 </dev/null || status=$?
    cpu=$(awk '{printf "%8.1f cpu-s", $1 + $2}' "$LOGS/$name.cpu" 2>/dev/null || true)
  else
    "$@" >"$LOGS/$name.log" 2>&1 </dev/null || status=$?
  fi
  printf '%-20s %8s s wall %s%s\n' "$name" "$(elapsed "$start")" "$cpu" \
    "$([[ $status == 0 ]] || echo "  FAILED (exit $status)")" >>"$PHASES"
  if [[ $status != 0 ]]; then
    echo "$name" >>"$LOGS/FAILED"
    echo "-- $name: FAILED (exit $status) after $(elapsed "$start") s"
    return "$status"
  fi
  echo "-- $name: done in $(elapsed "$start") s"
}

NATIVE_PHASES=(configure-asan build-asan configure-release build-release ctest-asan ctest-release
               configure-fuzz build-fuzz ctest-fuzz)
WEB_PHASES=(fixtures web-build playwright)

native_lane() {
  phase configure-asan cmake --preset asan
  phase build-asan cmake --build --preset asan -j "$JOBS"
  phase configure-release cmake --preset release
  phase build-release cmake --build --preset release -j "$JOBS"
  # The tests wait for the fixtures themselves (their make_fixtures test shares the
  # generator's lock). The full-reel scale tests run in the release build only.
  # -j beyond the core count: many tests wait on 7zz and CLI subprocesses.
  phase ctest-asan ctest --preset asan -j "$((JOBS + 1))"
  phase ctest-release ctest --preset release -j "$((JOBS + 1))"
  # The clang libFuzzer build; every target a few seconds on its seed corpus.
  phase configure-fuzz cmake --preset fuzz
  phase build-fuzz cmake --build --preset fuzz -j "$JOBS"
  phase ctest-fuzz ctest --test-dir build/fuzz -L fuzz -j "$JOBS" --output-on-failure
}

web_lane() {
  # Cached by a hash of the generator and its tools; shared by both builds and the e2e tests.
  phase fixtures bash tests/fixtures/make_fixtures.sh build/fixtures
  phase web-build bash scripts/build_web.sh
  phase playwright env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test \
    --config e2e/playwright.config.mjs
}

print_logs() {
  local name
  for name in "$@"; do
    [[ -f $LOGS/$name.log ]] || continue
    echo "== $name"
    cat "$LOGS/$name.log"
  done
}

print_phases() {
  echo "== time per phase (the lanes run side by side: the wall time is less than the sum)"
  cat "$PHASES"
  awk '{cpu += $5} END {printf "%-20s %8s s wall %8.1f cpu-s\n", "total", wall, cpu}' \
    wall="$(elapsed "$SUITE_START")" "$PHASES"
}

echo "== bootstrap"
phase bootstrap bash scripts/bootstrap.sh --web || { print_logs bootstrap; exit 1; }

native_lane &
native_pid=$!
web_lane &
web_pid=$!
stop_lanes() { kill -- "-$native_pid" "-$web_pid" 2>/dev/null || true; }
trap 'stop_lanes; exit 130' INT TERM

failed=0
running=("$native_pid" "$web_pid")
while [[ ${#running[@]} -gt 0 ]]; do
  finished=
  if ! wait -n -p finished "${running[@]}"; then
    failed=1
    break
  fi
  running=("${running[@]/$finished/}")
  read -ra running <<<"${running[*]}"
done
if [[ $failed == 1 ]]; then
  stop_lanes
  wait || true
  first=$(head -n1 "$LOGS/FAILED" 2>/dev/null || echo unknown)
  echo "== FAILED: $first (its log follows; all logs are in $LOGS/)"
  cat "$LOGS/$first.log" 2>/dev/null || true
  print_phases
  exit 1
fi
trap - INT TERM

print_logs "${NATIVE_PHASES[@]}" "${WEB_PHASES[@]}"
print_phases
# Last, the test runners' own summaries, verbatim.
echo "== test summaries"
for name in ctest-asan ctest-release ctest-fuzz; do
  echo "$name: $(grep -E '^[0-9]+% tests passed' "$LOGS/$name.log")"
done
echo "playwright: $(grep -E '^ +[0-9]+ passed' "$LOGS/playwright.log" | sed 's/^ *//')"
