#!/usr/bin/env bash
# Many lookups from one verification (issue 8): on the fixture generator's 4,100-chip reel,
# the median wall time of `reelcheck verify` against `reelcheck lookup --chips FILE` answering
# every chip of the reel (chip IDs and 27-byte UIDs alternating), and their ratio. The goal is
# at most 1.5x: the reel is verified once and each answer is a lookup in its report.
#
#   bench/lookup.sh [ROUNDS]      (default 3)
#
# Environment: BENCH_RELEASE_DIR (default build/release), FIXTURES (default build/fixtures),
# JOBS (default: all cores). A benchmark, never a test: nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
REL="${BENCH_RELEASE_DIR:-build/release}"
FIX="${FIXTURES:-build/fixtures}"
JOBS="${JOBS:-$(nproc)}"
CLI="$REL/native/reelcheck"
[ -x "$CLI" ] || { echo "lookup.sh: build $CLI first (cmake --build $REL --target reelcheck)" >&2; exit 2; }
[ -f "$FIX/bundles/big.7z" ] || { echo "lookup.sh: no full reel in $FIX (tests/fixtures/make_fixtures.sh $FIX)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Every chip with secrets, as a station would scan them: chip IDs and UIDs alternating.
tail -n +2 "$FIX/expected/big_secrets.csv" | cut -d, -f1 |
  awk 'NR % 2 { print; next } { print "CD163382010012000500" "0A" $0 "8B1E53A0F10B" }' > "$tmp/chips.txt"
queries=$(wc -l < "$tmp/chips.txt")

common=(--key-file "$FIX/big.key" --trust "$FIX/pki/trust.pem" --no-default-trust
        --at 2026-06-01T00:00:00Z --jobs "$JOBS")
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

verify_times=() lookup_times=()
for _ in $(seq "$ROUNDS"); do # alternating, so both see the same machine load
  verify_times+=("$(seconds "$CLI" verify "$FIX/bundles/big.7z" "${common[@]}" --quiet)")
  lookup_times+=("$(seconds "$CLI" lookup "$FIX/bundles/big.7z" "${common[@]}" --quiet \
                      --chips "$tmp/chips.txt" --json "$tmp/answers.jsonl")")
done
answers=$(wc -l < "$tmp/answers.jsonl")
verify=$(printf '%s\n' "${verify_times[@]}" | median)
lookup=$(printf '%s\n' "${lookup_times[@]}" | median)
printf 'verify (one reel, 12,480 certificates):      %6.2f s  (median of %s)\n' "$verify" "$ROUNDS"
printf 'lookup --chips (%s queries, %s answers): %6.2f s\n' "$queries" "$answers" "$lookup"
printf 'ratio lookup / verify:                       %6.2f  (goal: at most 1.5)\n' \
  "$(awk -v l="$lookup" -v v="$verify" 'BEGIN { print l / v }')"
