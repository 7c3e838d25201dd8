#!/usr/bin/env bash
# Benchmarks (never part of the tests), in one run on the fixture generator's 4,100-chip reel:
#   - native micro-benchmarks: P-384 verification, engine vs mbedTLS vs OpenSSL (bench/p384_bench)
#     and the CLI's phase shares (bench/reelcheck_bench);
#   - alternating, median of ROUNDS (default 3): the manual pipeline (7zz x + batched openssl
#     verify), `reelcheck verify --jobs 2`, the same with the reel twice, the page in headless
#     Chromium, and a comparison page built from 7z-wasm + @peculiar/x509;
#   - the wasm micro-benchmark: µs per P-384 verification in Chromium (engine vs mbedTLS).
# Prints medians and ratios, the CLI's peak RSS and the wasm heap's high-water mark; writes
# build/bench/results.json. Environment: ROUNDS, ONLY=manual,cli,cli2,page,settled,compare,micro,
# BENCH_RELEASE_DIR (default build/release), BUILD (wasm build dir, default build/wasm),
# REELCHECK_BASELINE_WEB_DIR (another build of the page to compare with, phase by phase).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
bash scripts/bootstrap.sh --web >/dev/null

# /usr/bin/time -v reports the CLI's peak RSS (Debian package "time").
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null; else sudo apt-get install -y -qq time >/dev/null; fi
fi

REL="${BENCH_RELEASE_DIR:-build/release}"
cmake --preset release -B "$REL" >/dev/null
cmake --build "$REL" -j "$(nproc)" --target reelcheck $(grep -q p384_bench "$REL/build.ninja" && echo p384_bench) reelcheck_bench >/dev/null

export BUILD="${BUILD:-$ROOT/build/wasm}"
bash scripts/build_web.sh >/dev/null
cmake --build "$BUILD" --target reelcheck_p384_wasm_bench -j "$(nproc)" >/dev/null

[ -d bench/compare/node_modules ] || (cd bench/compare && npm ci --no-audit --no-fund >/dev/null)

F=build/fixtures
bash tests/fixtures/make_fixtures.sh "$F"
BIG=$(ls "$F"/bundles/big.* | head -1)

echo "== native micro-benchmarks"
if [ -x "$REL/bench/p384_bench" ]; then "$REL/bench/p384_bench"; fi
"$REL/bench/reelcheck_bench" "$BIG" "$F/big.key" "$F/pki/trust.pem"
echo "openssl speed, ECDSA P-384 verify:"
openssl speed -seconds 3 ecdsap384 2>/dev/null | awk '/384 bits ecdsa/ { printf "  %.0f µs per verification (OpenSSL, one core)\n", 1e6 / $NF }'

echo "== whole reel (system load now: $(cut -d' ' -f1-3 /proc/loadavg))"
REELCHECK_CLI="$REL/native/reelcheck" REELCHECK_WEB_DIR=build/web REELCHECK_MICRO_DIR="$BUILD/wasm/bench" \
  node bench/bench.mjs
