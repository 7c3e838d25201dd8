#!/usr/bin/env bash
# Registration files from one verification (issue 16): on the fixture generator's 4,100-chip
# reel, the median wall time of `reelcheck verify` against `reelcheck export` in each format,
# alternating, and their ratios. The goal is at most 1.2x: export verifies the reel exactly as
# verify does, then writes the files (aws-cli: one PEM file per chip).
#
#   bench/export.sh [ROUNDS]      (default 3)
#
# Environment: BENCH_RELEASE_DIR (default build/release), FIXTURES (default build/fixtures),
# JOBS (default: all cores), FORMATS (default: all four). A benchmark, never a test: nothing
# here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
REL="${BENCH_RELEASE_DIR:-build/release}"
FIX="${FIXTURES:-build/fixtures}"
JOBS="${JOBS:-$(nproc)}"
FORMATS="${FORMATS:-aws-bulk aws-cli azure-dps thingpress}"
CLI="$REL/native/reelcheck"
[ -x "$CLI" ] || { echo "export.sh: build $CLI first (cmake --build $REL --target reelcheck)" >&2; exit 2; }
[ -f "$FIX/bundles/big.7z" ] || { echo "export.sh: no full reel in $FIX (tests/fixtures/make_fixtures.sh $FIX)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--key-file "$FIX/big.key" --trust "$FIX/pki/trust.pem" --no-default-trust
        --at 2026-06-01T00:00:00Z --jobs "$JOBS" --quiet)
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

declare -A times
verify_times=()
for round in $(seq "$ROUNDS"); do # alternating, so all see the same machine load
  verify_times+=("$(seconds "$CLI" verify "$FIX/bundles/big.7z" "${common[@]}")")
  for f in $FORMATS; do
    out="$tmp/$f-$round"
    times[$f]+="$(seconds "$CLI" export "$FIX/bundles/big.7z" "${common[@]}" --format "$f" --out "$out") "
    exported=$(grep -m1 -o '"exported": [0-9]*' "$out/manifest.json" | grep -o '[0-9]*$' || echo "?")
    rm -rf "$out"
  done
done
verify=$(printf '%s\n' "${verify_times[@]}" | median)
printf 'verify (one reel, 12,480 certificates): %6.2f s  (median of %s)\n' "$verify" "$ROUNDS"
for f in $FORMATS; do
  t=$(printf '%s\n' ${times[$f]} | median)
  printf 'export --format %-11s            %6.2f s  ratio export / verify: %5.2f  (goal: at most 1.2)\n' \
    "$f" "$t" "$(awk -v e="$t" -v v="$verify" 'BEGIN { print e / v }')"
done
echo "(each export wrote ${exported} chips' certificates)"
