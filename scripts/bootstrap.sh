#!/usr/bin/env bash
# Installs everything Reelcheck needs from Debian's and npm's registries, idempotently.
#   scripts/bootstrap.sh            native toolchain + Debian source packages
#   scripts/bootstrap.sh --web      also emscripten, chromium (and its headless shell) and npm packages
# Third-party sources (mbedtls, 7zip's LZMA SDK, zlib) arrive as Debian *source packages*
# into build/_deps, at the exact versions pinned in cmake/third_party.lock, each checked against
# the sha256 of its .dsc there; nothing third-party is ever committed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEPS="${REELCHECK_DEPS_DIR:-$ROOT/build/_deps}"  # the same override as CMake's REELCHECK_DEPS_DIR
WEB=0
[ "${1:-}" = "--web" ] && WEB=1

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

native_pkgs=(build-essential cmake ninja-build pkg-config dpkg-dev libgtest-dev libgmock-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev 7zip openssl clang-format
  clang libclang-rt-14-dev  # clang + libFuzzer: the fuzz targets (fuzz/)
  parallel                  # GNU parallel: the README's many-machines recipe runs in the suite
  awscli python3 unzip      # the export tests: the real AWS CLI (tests/clients/), unzip
  xz-utils)                 # raw LZMA/LZMA2 streams for the decoder tests
web_pkgs=(emscripten chromium chromium-headless-shell nodejs npm)

need=()
for p in "${native_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ "$WEB" = 1 ]; then
  for p in "${web_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  # nodejs/npm may come from outside Debian on some images; accept any working node + npm.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    need=("${need[@]/nodejs}"); need=("${need[@]/npm}")
  fi
fi

# Source packages need a deb-src entry for the mirror and suites this machine already uses.
SRC_LIST=/etc/apt/sources.list.d/reelcheck-src.sources
if [ ! -f "$SRC_LIST" ]; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee "$SRC_LIST" >/dev/null
  else
    grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | $SUDO tee /etc/apt/sources.list.d/reelcheck-src.list >/dev/null
    SRC_LIST=/etc/apt/sources.list.d/reelcheck-src.list
  fi
fi

# The pinned source packages: "name version dsc-sha256" per line of cmake/third_party.lock.
LOCK="$ROOT/cmake/third_party.lock"
mapfile -t pins < <(grep -v '^[[:space:]]*\(#\|$\)' "$LOCK")
# Debian version "[epoch:]upstream[-revision]": the .dsc is NAME_VERSION-without-epoch.dsc and
# dpkg-source unpacks into NAME-UPSTREAM/.
dsc_of() { local v=${2#*:}; echo "$DEPS/${1}_${v}.dsc"; }
dir_of() { local v=${2#*:}; [[ $v == *-* ]] && v=${v%-*}; echo "$DEPS/${1}-${v}"; }
pin_present() { [ -d "$(dir_of "$1" "$2")" ] && [ -f "$(dsc_of "$1" "$2")" ]; }
src_needed=0
for pin in "${pins[@]}"; do
  read -r name version sha <<<"$pin"
  pin_present "$name" "$version" || src_needed=1
done

if [ ${#need[@]} -gt 0 ] && [ -n "$(printf '%s' "${need[@]}")" ] || [ "$src_needed" = 1 ]; then
  echo "bootstrap: apt-get update"
  $SUDO apt-get update -qq
fi
need=($(printf '%s\n' "${need[@]}" | grep -v '^$' || true))
if [ ${#need[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$DEPS"
for pin in "${pins[@]}"; do
  read -r name version sha <<<"$pin"
  if ! pin_present "$name" "$version"; then
    echo "bootstrap: apt-get source $name=$version"
    (cd "$DEPS" && apt-get source -qq "$name=$version" >/dev/null 2>&1) ||
      (cd "$DEPS" && apt-get source "$name=$version") || {
      echo "bootstrap: cannot fetch $name $version (pinned in cmake/third_party.lock);" \
        "is it still in the deb-src suites of /etc/apt? (apt-cache showsrc $name)" >&2
      exit 1
    }
  fi
  dsc=$(dsc_of "$name" "$version")
  actual=$(sha256sum "$dsc" | cut -d' ' -f1)
  if [ "$actual" != "$sha" ]; then
    echo "bootstrap: $name $version: $(basename "$dsc") has sha256 $actual," \
      "but cmake/third_party.lock pins $sha. Not the pinned source: remove" \
      "${DEPS#"$ROOT"/}/${name}[-_]* and run scripts/bootstrap.sh again, or update the lock file" \
      "if the new version is intended." >&2
    exit 1
  fi
  echo "bootstrap: $name $version in ${DEPS#"$ROOT"/}/$(basename "$(dir_of "$name" "$version")") (.dsc sha256 checked)"
done

if [ "$WEB" = 1 ]; then
  if [ ! -d "$ROOT/node_modules/@playwright/test" ]; then
    echo "bootstrap: npm ci"
    (cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "bootstrap: done"
