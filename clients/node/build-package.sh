#!/usr/bin/env bash
# Builds the npm package @upload-token-gateway/client into OUT_DIR
# (upload-token-gateway-client-VERSION.tgz): npm pack, whose prepack compiles
# src/ and generated/ with tsc into dist/. Offline; needs `npm ci` here first.
#   clients/node/build-package.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-package.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ ! -x "$here/node_modules/.bin/tsc" ]; then
  echo "build-package: run 'npm ci' in clients/node first (tsc)" >&2
  exit 1
fi
cd "$here"
npm pack --silent --pack-destination "$out" >/dev/null
ls "$out"/upload-token-gateway-client-*.tgz
