#!/usr/bin/env bash
# The pipeline a new user would build by hand, for bench/run.sh (never part of the tests):
#   7zz x of the bundle, 7zz x of each inner archive (the keys archive with the transport key),
#   then batched `openssl verify` of every device certificate against the test CA chain, in
#   batches of 500 certificates per invocation, one stream per core.
# Usage: manual_pipeline.sh BUNDLE KEY_FILE PKI_DIR CHECK_EPOCH
# Prints one line: "<certificates OK> <certificates checked>". Works in a fresh temp folder.
set -euo pipefail
bundle=$1 key_file=$2 pki=$3 at=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/reelcheck-manual.XXXXXX")
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

7zz x -y -bso0 -bsp0 "-o$work/outer" "$bundle"
password=$(tr -d '\r\n' < "$key_file")
for inner in "$work"/outer/*.7z; do
  kind=$(basename "$inner" .7z)
  7zz x -y -bso0 -bsp0 "-p$password" "-o$work/$kind" "$inner"
done
unset password

# openssl verify prints "<file>: OK" per good certificate; anything else is a failure line.
verify_batch() { # CAFILE UNTRUSTED FILES...
  local cafile=$1 untrusted=$2
  shift 2
  openssl verify -attime "$at" -CAfile "$cafile" -untrusted "$untrusted" "$@" 2>/dev/null || true
}
export -f verify_batch
export at
{
  find "$work" -name '*_E0E0.pem' -o -name '*_E0E1.pem' | sort |
    xargs -P "$cores" -n 500 bash -c 'verify_batch "$0" "$1" "${@:2}"' "$pki/ecc_root.pem" "$pki/ecc_ca.pem"
  find "$work" -name '*_E0E2.pem' | sort |
    xargs -P "$cores" -n 500 bash -c 'verify_batch "$0" "$1" "${@:2}"' "$pki/rsa_root.pem" "$pki/rsa_ca.pem"
} > "$work/verify.out"
ok=$(grep -c ': OK$' "$work/verify.out" || true)
total=$(find "$work" -name '*_E0E[012].pem' | wc -l)
echo "$ok $total"
