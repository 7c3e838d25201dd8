#!/usr/bin/env bash
# Screenshots of the result view for the README (docs/screenshots/*.png), taken from the real page
# in build/web with fixture bundles: scripts/build_web.sh first. Uses Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
WEB="${REELCHECK_WEB_DIR:-$PWD/build/web}"
[ -f "$WEB/index.html" ] || { echo "screenshots: $WEB/index.html missing: run scripts/build_web.sh" >&2; exit 1; }
FIXTURES="${REELCHECK_FIXTURES:-$PWD/build/fixtures}"
bash tests/fixtures/make_fixtures.sh "$FIXTURES" # cached: only the first time does work
REELCHECK_WEB_DIR="$WEB" REELCHECK_FIXTURES="$FIXTURES" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node scripts/screenshots.mjs
