#!/usr/bin/env bash
# Builds (build-offline.sh) and runs the example against $GATEWAY_ADDRESS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/build-offline.sh" "$out"
"$out/example"
