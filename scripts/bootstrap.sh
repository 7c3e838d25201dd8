#!/usr/bin/env bash
# Installs everything Reelcheck needs from Debian's and npm's registries, idempotently.
#   scripts/bootstrap.sh            native toolchain + Debian source packages
#   scripts/bootstrap.sh --web      also emscripten, chromium and the npm packages
# Third-party sources (mbedtls, 7zip's LZMA SDK, zlib) arrive as Debian *source packages*
# into build/_deps; nothing third-party is ever committed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEPS="$ROOT/build/_deps"
WEB=0
[ "${1:-}" = "--web" ] && WEB=1

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

native_pkgs=(build-essential cmake ninja-build pkg-config dpkg-dev libgtest-dev libgmock-dev
  nlohmann-json3-dev zlib1g-dev 7zip openssl clang-format)
web_pkgs=(emscripten chromium nodejs npm)

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

have_src() { ls -d "$DEPS/$1"-*/ >/dev/null 2>&1; }
src_needed=0
for s in mbedtls 7zip zlib; do have_src "$s" || src_needed=1; done

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
for s in mbedtls 7zip zlib; do
  if ! have_src "$s"; then
    echo "bootstrap: apt-get source $s"
    (cd "$DEPS" && apt-get source -qq "$s" >/dev/null 2>&1) || (cd "$DEPS" && apt-get source "$s")
  fi
  dir=$(ls -d "$DEPS/$s"-*/ | head -1)
  # Record the exact source versions in a file CMake reads.
  echo "bootstrap: $s source $(basename "$dir")"
done

if [ "$WEB" = 1 ]; then
  if [ ! -d "$ROOT/node_modules/@playwright/test" ]; then
    echo "bootstrap: npm ci"
    (cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "bootstrap: done"
