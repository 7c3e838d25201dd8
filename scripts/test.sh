#!/usr/bin/env bash
# The whole test suite, as CI runs it: unit + integration tests under ASan/UBSan, the same in
# a release build (plus the full-reel scale test), then the browser end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
JOBS=$(nproc)

bash scripts/bootstrap.sh --web

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DREELCHECK_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$JOBS"
echo "== release build"
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j "$JOBS"

echo "== ctest (ASan + UBSan; the full-reel scale tests run in the release build only)"
(cd build/asan && ctest --output-on-failure -j "$JOBS" -LE scale)
echo "== ctest (release)"
(cd build/release && ctest --output-on-failure -j "$JOBS")

echo "== web build + Playwright end-to-end tests"
bash scripts/build_web.sh
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npx playwright test --config e2e/playwright.config.mjs
