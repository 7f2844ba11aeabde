#!/usr/bin/env bash
# Generates the Node client's code (scripts/gen-clients.sh runs it):
#   proto/      the API's .proto, which @grpc/proto-loader loads at run time
#               (shipped in the package; google.rpc's come from the
#               google-proto-files dependency, not from here)
#   generated/  TypeScript types (proto-loader-gen-types) of the API's
#               messages and service, and of google.rpc.Status and its details
#               (types only: nothing of google.rpc runs from here)
# Hand-written code is in src/. Needs `npm ci` in clients/node.
#   clients/node/generate.sh OUT_DIR   OUT_DIR stands for clients/node
#   clients/node/generate.sh --paths   the generated directories
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/proto-sources.sh"
if [ "${1:-}" = --paths ]; then
  printf '%s\n' proto generated
  exit 0
fi
out=${1:?usage: generate.sh OUT_DIR | --paths}
mkdir -p "$out" && out=$(cd "$out" && pwd)
proto_loader_gen=$here/node_modules/.bin/proto-loader-gen-types
if [ ! -x "$proto_loader_gen" ]; then
  echo "generate: run 'npm ci' in clients/node first (proto-loader-gen-types)" >&2
  exit 1
fi
# The types are made from a staging copy of every .proto, so that the
# generated comments name them by their import paths only.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$(dirname "$api")" "$stage/google/rpc"
cp "$api_dir/$api" "$stage/$api"
for f in "${rpc[@]}"; do cp "$rpc_dir/$f" "$stage/$f"; done
rm -rf "$out/proto" "$out/generated"
mkdir -p "$out/proto/$(dirname "$api")" "$out/generated"
cp "$api_dir/$api" "$out/proto/$api"
# The options must match LOAD_OPTIONS in src/client.ts.
(cd "$stage" && "$proto_loader_gen" --grpcLib=@grpc/grpc-js \
  --outDir="$out/generated" --longs=String --enums=String --defaults \
  --oneofs --includeComments -- "$api" "${rpc[@]}" >/dev/null)
