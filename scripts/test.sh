#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit + integration tests under ASan/UBSan, the same in
# a release build (plus the full-reel scale test), every fuzz target briefly on its seeds,
# then the browser end-to-end tests.
# Builds use the presets of CMakePresets.json (build/asan, build/release, build/wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=$(nproc)

# Time per phase, appended to build/test-phases.txt as each phase ends (so a failed run still
# shows where the time went) and printed before the last step: the output must end with the
# test runners' own summaries, and Playwright reports its own time.
PHASES=build/test-phases.txt
mkdir -p build
: >"$PHASES"
timed() {
  local name=$1 start end
  shift
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  printf '%-44s %8.1f s\n' "$name" "$(((end - start) / 1000000))e-3" >>"$PHASES"
}
SUITE_START=$(date +%s%N)

timed "bootstrap" bash scripts/bootstrap.sh --web

echo "== sanitizer build (clang, ASan + UBSan)"
timed "configure asan" cmake --preset asan >/dev/null
timed "build asan" cmake --build --preset asan -j "$JOBS"
echo "== release build"
timed "configure release" cmake --preset release >/dev/null
timed "build release" cmake --build --preset release -j "$JOBS"

echo "== test fixtures (cached; shared by both builds and the e2e tests)"
timed "fixtures" bash tests/fixtures/make_fixtures.sh build/fixtures

echo "== ctest (ASan + UBSan; the full-reel scale tests run in the release build only)"
timed "ctest asan" ctest --preset asan -j "$JOBS"
echo "== ctest (release)"
timed "ctest release" ctest --preset release -j "$JOBS"

echo "== fuzz smoke run (clang libFuzzer build; every target a few seconds on its seed corpus)"
timed "configure fuzz" cmake --preset fuzz >/dev/null
timed "build fuzz" cmake --build --preset fuzz -j "$JOBS"
timed "ctest fuzz" ctest --test-dir build/fuzz -L fuzz -j "$JOBS" --output-on-failure

echo "== web build"
timed "web build" bash scripts/build_web.sh

echo "== time per phase (Playwright's own time is in its summary below)"
cat "$PHASES"
printf '%-44s %8.1f s\n' "total before Playwright" "$((($(date +%s%N) - SUITE_START) / 1000000))e-3"
echo "== Playwright end-to-end tests"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test --config e2e/playwright.config.mjs
