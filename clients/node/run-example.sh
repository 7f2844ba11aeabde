#!/usr/bin/env bash
# Type-checks and compiles examples/example.ts with tsc (strict), then runs it
# against $GATEWAY_ADDRESS. Needs `npm ci` in this directory first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$here/node_modules/.bin/tsc" -p "$here/tsconfig.json" --outDir "$out"
# The compiled example requires '..': link the package beside it.
ln -s "$here/index.js" "$out/index.js"
ln -s "$here/node_modules" "$out/node_modules"
node "$out/examples/example.js"
