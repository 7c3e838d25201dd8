#!/usr/bin/env bash
# Sets everything up and runs the main job on a sample bundle: builds the CLI and the web page,
# makes a sample reel with the real 7zz and openssl from a look-alike test PKI, verifies it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs

bash scripts/bootstrap.sh --web
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
bash tests/fixtures/make_fixtures.sh build/sample --quick

SAMPLE=build/sample/bundles/clean.7z
echo
echo "== reelcheck verify $SAMPLE (transport key read from a file, never from argv)"
set +e
./build/release/native/reelcheck verify "$SAMPLE" \
  --key-file build/sample/clean_7z.key --trust build/sample/pki/trust.pem --no-default-trust \
  --at 2026-06-01T00:00:00Z --json build/sample/clean.report.json --csv build/sample/clean.report.csv
status=$?
set -e
echo "(exit code $status; JSON report: build/sample/clean.report.json, CSV: build/sample/clean.report.csv)"

bash scripts/build_web.sh >/dev/null
echo
echo "Web page: open build/web/index.html in Chromium/Firefox (works offline from disk),"
echo "drop $SAMPLE on it, type the key from build/sample/clean_7z.key and add build/sample/pki/trust.pem as trust anchors."
exit "$status"
