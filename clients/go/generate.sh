#!/usr/bin/env bash
# Generates the Go client's code (scripts/gen-clients.sh runs it).
#   clients/go/generate.sh OUT_DIR   OUT_DIR stands for clients/go
#   clients/go/generate.sh --paths   the generated directories
# The module upload-token-gateway.internal/clients/go: generated code in
# uploadtokens/uploadtokenspb (nothing else there), helpers in uploadtokens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/proto-sources.sh"
go_module=upload-token-gateway.internal/clients/go
if [ "${1:-}" = --paths ]; then
  printf '%s\n' uploadtokens/uploadtokenspb
  exit 0
fi
out=${1:?usage: generate.sh OUT_DIR | --paths}
require_tools protoc protoc-gen-go protoc-gen-go-grpc
rm -rf "$out/uploadtokens/uploadtokenspb"
mkdir -p "$out"
# Only the API: google.rpc comes from the module
# google.golang.org/genproto/googleapis/rpc, never from here.
protoc -I "$api_dir" --go_out="$out" --go_opt=module=$go_module \
  --go-grpc_out="$out" --go-grpc_opt=module=$go_module "$api"
