#!/usr/bin/env bash
# Runs a reelcheck CLI over every fixture bundle and keeps what it writes, so two builds can be
# compared byte for byte (refactorings must not change a single report byte).
#
#   scripts/compare_reports.sh REELCHECK OUTDIR [BASELINE_DIR]
#
# For each bundle of FIXTURES/manifest.json (FIXTURES = build/fixtures, or $REELCHECK_FIXTURES):
# `reelcheck verify` with its key file (--key-file, never on the command line), the fixtures'
# test PKI (--trust), a fixed --at and --jobs, writing the JSON and the CSV report, plus the
# summary, stderr and exit code. Also: the same with --include-secrets, the three fleet reels
# verified in one batch and merged, and `inspect` of the mixed_certs PEMs. Damaged bundles are
# included; their exit code and messages are part of what is compared.
# With BASELINE_DIR, OUTDIR is diffed against it: prints "N reports identical", or the
# differences and exits 1.
set -euo pipefail

die() { echo "compare_reports: error: $*" >&2; exit 2; }
[[ $# -eq 2 || $# -eq 3 ]] || die "usage: $0 REELCHECK OUTDIR [BASELINE_DIR]"

cli=$(realpath "$1") || die "no such binary: $1"
[[ -x $cli ]] || die "not an executable: $cli"
out=$2
baseline=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fixtures=$(realpath "${REELCHECK_FIXTURES:-$here/build/fixtures}")
manifest=$fixtures/manifest.json
[[ -f $manifest ]] || die "no $manifest (run tests/fixtures/make_fixtures.sh build/fixtures)"
command -v python3 >/dev/null || die "python3 not found"

rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")

# One line per bundle: name, key file, input files (tab-separated; loose reels list their
# inner archives, which is how a user hands them over).
mapfile -t bundles < <(python3 - "$manifest" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
for name, b in sorted(m["bundles"].items()):
    print("\t".join([name, b["key_file"], *b["files"]]))
EOF
)
at=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["check_time"])' "$manifest")
trust=(--trust "$fixtures/pki/trust.pem")
fixed=(--at "$at" --jobs 2)

# run NAME ARGS...: runs the CLI in OUTDIR (report paths are relative, so the summary reads the
# same for every OUTDIR; inputs are absolute fixture paths, the same for every build), keeping
# stdout, stderr and the exit code next to the reports.
run() {
  local name=$1
  shift
  local rc=0
  (cd "$out" && "$cli" "$@" >"$name.stdout" 2>"$name.stderr" </dev/null) || rc=$?
  echo "$rc" >"$out/$name.exit"
}

for line in "${bundles[@]}"; do
  IFS=$'\t' read -r -a f <<<"$line"
  name=${f[0]} key=$fixtures/${f[1]} inputs=("${f[@]:2}")
  inputs=("${inputs[@]/#/$fixtures/}")
  run "$name" verify "${inputs[@]}" --key-file "$key" "${trust[@]}" "${fixed[@]}" \
    --json "$name.json" --csv "$name.csv"
  [[ $name == big ]] && continue # 4,160 chips: the plain run covers it
  run "$name.secrets" verify "${inputs[@]}" --key-file "$key" "${trust[@]}" "${fixed[@]}" \
    --include-secrets --json "$name.secrets.json" --csv "$name.secrets.csv"
done

# Several reels in one run (reports go into folders), then the fleet merge of their reports.
mkdir -p "$out/fleet.json.d" "$out/fleet.csv.d"
keys=$out/fleet.keys
for r in a b c; do
  printf 'R240003%s %s\n' "$(printf '%s' "$r" | tr abc 123)" "$(<"$fixtures/fleet_$r.key")"
done >"$keys"
run fleet verify "$fixtures"/bundles/fleet_{a,b,c}.7z --key-file "$keys" "${trust[@]}" \
  "${fixed[@]}" --json fleet.json.d --csv fleet.csv.d
mapfile -t fleet_reports < <(cd "$out" && find fleet.json.d -name '*.json' | sort)
run fleet.merge merge "${fleet_reports[@]}" --json fleet.merge.json --csv fleet.merge.csv
mapfile -t pems < <(find "$fixtures/bundles/mixed_certs" -name '*.pem' | sort)
run inspect inspect "${pems[@]}" "${trust[@]}" --at "$at"

# The key file of the batch was ours; it is not a report.
rm -f "$keys"
count=$(find "$out" -type f | wc -l)
echo "compare_reports: $count files from $(basename "$cli") in $out" >&2

[[ -n $baseline ]] || exit 0
baseline=$(realpath "$baseline") || die "no such baseline: ${3}"
if diff -r <(cd "$baseline" && find . -type f | sort) <(cd "$out" && find . -type f | sort) \
     >/dev/null && diff -r "$baseline" "$out" >/dev/null; then
  echo "$count reports identical"
  exit 0
fi
echo "reports differ (baseline $baseline, new $out):"
diff -r "$baseline" "$out" | head -100 || true
exit 1
