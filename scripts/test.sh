#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit + integration tests under ASan/UBSan with every fuzz
# target briefly on its seeds (built in the same sanitizer build: REELCHECK_FUZZ_SMOKE), the
# same tests in a release build (plus the full-reel scale test), then the browser end-to-end
# tests. Builds use the presets of CMakePresets.json (build/asan, build/release, build/wasm).
#
# Two lanes run side by side so that both cores stay busy (the machine has two; a build
# saturates them, but fixture generation, the tails of the test runs and the browser tests do
# not), each with about half of the CPU work:
#   asan:  build asan -> ctest asan (with the fuzz smoke runs) -> [release built] ctest release
#   other: fixtures -> web build -> build release -> Playwright
# Playwright comes after the release build: one e2e test compares with the release CLI (and is
# skipped without it).
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

# The machine's busy CPU time so far (all processes, from /proc/stat; Linux only): the
# per-phase CPU seconds miss what a phase's processes hand over to init, Chromium's renderers
# among them, so the total says how much the whole run really cost.
busy_cpu_ticks() {
  [[ -r /proc/stat ]] || { echo 0; return; }
  local _cpu user nice system _idle _iowait irq softirq steal _rest
  read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
  echo $((user + nice + system + irq + softirq + steal))
}
SUITE_BUSY_START=$(busy_cpu_ticks)

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
  touch "$LOGS/$name.done"
  echo "-- $name: done in $(elapsed "$start") s"
}

# await NAME: waits until the other lane has finished phase NAME; fails if a phase failed.
await() {
  until [[ -f $LOGS/$1.done ]]; do
    [[ ! -f $LOGS/FAILED ]] || return 1
    sleep 1
  done
}

ASAN_LANE_PHASES=(configure-asan build-asan ctest-asan ctest-release)
OTHER_LANE_PHASES=(fixtures web-build configure-release build-release playwright)

asan_lane() {
  phase configure-asan cmake --preset asan
  phase build-asan cmake --build --preset asan -j "$JOBS"
  # The tests wait for the fixtures themselves (their make_fixtures test shares the
  # generator's lock). The asan run includes every fuzz target a few seconds on its seed corpus
  # (label fuzz); the full-reel scale tests run in the release build only.
  # -j beyond the core count: many tests wait on 7zz and CLI subprocesses.
  phase ctest-asan ctest --preset asan -j "$((JOBS + 1))"
  await build-release
  phase ctest-release ctest --preset release -j "$((JOBS + 1))"
}

other_lane() {
  # Cached by a hash of the generator and its tools; shared by both builds and the e2e tests.
  phase fixtures bash tests/fixtures/make_fixtures.sh build/fixtures
  phase web-build bash scripts/build_web.sh
  phase configure-release cmake --preset release
  phase build-release cmake --build --preset release -j "$JOBS"
  # A port of its own: another checkout's e2e server on the default port (4173) would otherwise
  # make this run fail, or serve it that checkout's page.
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  phase playwright env PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 REELCHECK_E2E_PORT="$port" \
    npx playwright test --config e2e/playwright.config.mjs
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
  if [[ -r /proc/stat ]]; then
    awk '{printf "%-20s %8s   %8.1f cpu-s busy on the whole machine (%d cores), counting what the phases miss\n", "machine", "", ($2 - $1) / $3, $4}' \
      <<<"$SUITE_BUSY_START $(busy_cpu_ticks) $(getconf CLK_TCK) $JOBS"
  fi
}

echo "== bootstrap"
phase bootstrap bash scripts/bootstrap.sh --web || { print_logs bootstrap; exit 1; }

asan_lane &
asan_pid=$!
other_lane &
other_pid=$!
stop_lanes() { kill -- "-$asan_pid" "-$other_pid" 2>/dev/null || true; }
trap 'stop_lanes; exit 130' INT TERM

failed=0
running=("$asan_pid" "$other_pid")
while [[ ${#running[@]} -gt 0 ]]; do
  finished=
  if ! wait -n -p finished "${running[@]}"; then
    failed=1
    break
  fi
  # Drop exactly that pid (a pattern substitution would also cut it out of a longer pid).
  still=()
  for pid in "${running[@]}"; do [[ $pid == "$finished" ]] || still+=("$pid"); done
  running=("${still[@]}")
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

print_logs "${ASAN_LANE_PHASES[@]}" "${OTHER_LANE_PHASES[@]}"
print_phases
# Last, the test runners' own summaries, verbatim.
echo "== test summaries"
for name in ctest-asan ctest-release; do
  echo "$name: $(grep -E '^[0-9]+% tests passed' "$LOGS/$name.log")"
done
echo "playwright: $(grep -E '^ +[0-9]+ passed' "$LOGS/playwright.log" | sed 's/^ *//')"
