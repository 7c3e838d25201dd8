#!/usr/bin/env bash
# Benchmarks (never part of the tests): phase shares on the 4,100-chip reel, and the CLI's
# speed-up from threads, measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" >/dev/null
F=build/fixtures
bash tests/fixtures/make_fixtures.sh "$F"
BIG=$(ls "$F"/bundles/big.* | head -1)
./build/release/bench/reelcheck_bench "$BIG" "$F/big.key" "$F/pki/trust.pem"

cli() {
  local start end
  start=$(date +%s%N)
  ./build/release/native/reelcheck verify "$BIG" --key-file "$F/big.key" --trust "$F/pki/trust.pem" \
    --no-default-trust --at 2026-06-01T00:00:00Z --quiet --jobs "$1" || true
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
one=$(cli 1)
all=$(cli "$(nproc)")
echo "CLI, whole reel: --jobs 1: ${one} ms, --jobs $(nproc): ${all} ms, speed-up $(awk "BEGIN{printf \"%.2f\", $one/$all}")x"
