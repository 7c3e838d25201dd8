#!/usr/bin/env bash
# The README's GNU parallel recipe ("Many reels, many machines"), run as written.
#
#   tests/parallel_recipe_test.sh README.md REELCHECK_BINARY FIXTURES_DIR
#
# The command lines are taken from README.md itself, between the HTML comments
# "recipe:parallel begin" and "recipe:parallel end" (the indented lines; a line ending in a
# backslash goes on), so the test always runs the text a reader copies. Nothing in that text is
# rewritten. Instead the scratch folder it runs in is laid out the way the recipe expects:
#   - bundles/        the fleet_a, fleet_b and fleet_c fixture reels (symlinks);
#   - keys.txt        one "<reel ID> <key>" line per reel, as the README describes;
#   - machines.txt    ":" alone: GNU parallel's name for the local machine, so no ssh is needed
#                     (parallel then runs every job here and says it ignores --trc);
#   - PATH            starts with a folder whose `reelcheck` is the binary under test. For
#                     `verify` it adds the fixtures' look-alike test PKI as the only trust
#                     anchors (--trust pki/trust.pem --no-default-trust): the fixture reels are
#                     not signed by Infineon, and a real user's reels need no such option.
#   - HOME            the scratch folder, so parallel's ~/.parallel stays out of the user's home.
# So file names are the only thing the harness decides, and only by putting files where the
# recipe's relative names point.
#
# fleet_c repeats a chip ID of fleet_a, a public key of fleet_a and a PBS of fleet_b: every
# reel verifies on its own (parallel exits 0), and `merge` exits 1 and names all three.
set -euo pipefail

readme=${1:?README.md}
binary=${2:?reelcheck binary}
fixtures=${3:?fixtures folder}

fail() {
  echo "parallel_recipe_test: FAIL: $*" >&2
  exit 1
}

command -v parallel >/dev/null || fail "GNU parallel is not installed (scripts/bootstrap.sh installs Debian's 'parallel')"
parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel' ||
  fail "'parallel' is not GNU parallel (moreutils has one of the same name)"
[[ -x $binary ]] || fail "no reelcheck binary at $binary"
readme=$(realpath "$readme") binary=$(realpath "$binary") fixtures=$(realpath "$fixtures")
[[ -f $fixtures/manifest.json ]] || fail "no fixtures in $fixtures (tests/fixtures/make_fixtures.sh)"

# The recipe's command lines, as written.
commands=()
current=""
in_block=0
while IFS= read -r line || [[ -n $line ]]; do
  case $line in
    *'recipe:parallel begin'*) in_block=1; continue ;;
    *'recipe:parallel end'*) in_block=0; continue ;;
  esac
  ((in_block)) || continue
  [[ $line == '    '* ]] || continue # prose and blank lines around the code block
  line=${line#    }
  if [[ $line == *\\ ]]; then
    current+="$line"$'\n' # kept as written: bash -c reads the backslash-newline itself
  else
    commands+=("$current$line")
    current=""
  fi
done <"$readme"
[[ ${#commands[@]} -eq 2 ]] || fail "expected 2 commands in the README's recipe, found ${#commands[@]}: ${commands[*]:-none}"
[[ ${commands[0]} == *'parallel '*'--sshloginfile machines.txt'* ]] || fail "the first command is not the parallel run: ${commands[0]}"
[[ ${commands[1]} == 'reelcheck merge '* ]] || fail "the second command is not the merge: ${commands[1]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/reelcheck-parallel-recipe.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundles" "$work/bin"
# name, bundle file, reel ID and key file of each fleet reel, from the fixtures' manifest.
while read -r name file reel_id key_file; do
  ln -s "$fixtures/$file" "$work/bundles/$name.7z"
  printf '%s %s\n' "$reel_id" "$(tr -d '\r\n' <"$fixtures/$key_file")" >>"$work/keys.txt"
done < <(python3 -c '
import json, sys
bundles = json.load(open(sys.argv[1]))["bundles"]
for name in ("fleet_a", "fleet_b", "fleet_c"):
    b = bundles[name]
    print(name, b["files"][0], b["reel_id"], b["key_file"])
' "$fixtures/manifest.json")
[[ $(wc -l <"$work/keys.txt") -eq 3 ]] || fail "the fixtures hold no fleet_a/b/c reels"
echo ':' >"$work/machines.txt"
cat >"$work/bin/reelcheck" <<EOF
#!/bin/sh
if [ "\$1" = verify ]; then
  exec "$binary" "\$@" --trust "$fixtures/pki/trust.pem" --no-default-trust
fi
exec "$binary" "\$@"
EOF
chmod +x "$work/bin/reelcheck"

run() { # run N: the recipe's Nth command in the scratch folder; its exit code, output in files
  (cd "$work" && HOME="$work" PATH="$work/bin:$PATH" bash -c "${commands[$1]}") \
    >"$work/out.$1" 2>"$work/err.$1" && echo 0 || echo $?
}
echo "parallel_recipe_test: running: ${commands[0]}"
rc=$(run 0)
[[ $rc == 0 ]] || fail "the parallel run exited $rc: $(cat "$work/err.0")"
echo "parallel_recipe_test: running: ${commands[1]}"
rc=$(run 1)
cat "$work/out.1"
[[ $rc == 1 ]] || fail "merge should exit 1 (cross-reel duplicates), exited $rc: $(cat "$work/err.1")"

# What parallel produced and what merge made of it, against the fixtures' own record of the
# planted duplicates (manifest "fleet").
python3 - "$work" "$fixtures/manifest.json" <<'PY' || fail "the merged fleet is not what the fixtures planted"
import json, pathlib, sys
work, manifest = pathlib.Path(sys.argv[1]), json.load(open(sys.argv[2]))
problems = []
for reel in ("fleet_a", "fleet_b", "fleet_c"):
    report = json.loads((work / f"{reel}.json").read_text())
    if report["verdict"] != "ok" or report["reel_id"] != manifest["bundles"][reel]["reel_id"]:
        problems.append(f"{reel}.json: verdict {report['verdict']}, reel {report['reel_id']}")
fleet = json.loads((work / "fleet.json").read_text())
totals = fleet["totals"]
if fleet["verdict"] != "failed" or totals["reels"] != 3 or totals["reels_ok"] != 3 \
        or totals["chips"] != 15 or totals["cross_reel_duplicates"] != 3:
    problems.append(f"fleet.json: verdict {fleet['verdict']}, totals {totals}")
reel_of = {manifest["bundles"][r]["reel_id"]: r for r in ("fleet_a", "fleet_b", "fleet_c")}
found = {d["kind"]: d for d in fleet["duplicates"]}
out = (work / "out.1").read_text()
for want in manifest["fleet"]["duplicates"]:
    got = found.get(want["kind"])
    if got is None:
        problems.append(f"no {want['kind']} duplicate")
        continue
    if "value" in want and got["value"] != want["value"]:
        problems.append(f"{want['kind']}: value {got['value']}, planted {want['value']}")
    chips = {reel_of[o["reel_id"]]: o["chip_id"] for o in got["occurrences"]}
    if chips != want["chips"]:
        problems.append(f"{want['kind']}: in {chips}, planted in {want['chips']}")
    for chip in want["chips"].values():
        if chip not in out:
            problems.append(f"merge's summary does not name {chip}")
csv = (work / "fleet.csv").read_text().splitlines()
if len(csv) != 4:
    problems.append(f"fleet.csv has {len(csv)} lines, not a header and 3 reels")
for p in problems:
    print("  -", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "parallel_recipe_test: OK: 3 reels through GNU parallel, merge found the 3 planted duplicates"
