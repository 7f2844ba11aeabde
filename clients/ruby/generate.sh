#!/usr/bin/env bash
# Generates the Ruby client's code (scripts/gen-clients.sh runs it).
#   clients/ruby/generate.sh OUT_DIR   OUT_DIR stands for clients/ruby
#   clients/ruby/generate.sh --paths   the generated directories
#
# protoc names a generated Ruby file, and the `require` that the service file
# makes of the message file, after the proto file's path:
# apivideo/uploadtokens/v1/upload_tokens.proto would give
# `require 'apivideo/uploadtokens/v1/upload_tokens_pb'`, a path under
# apivideo/, which is api.video's own gem's. So protoc is run on a temporary
# copy of the proto placed at upload_token_gateway/v1/upload_tokens.proto: the
# files become lib/upload_token_gateway/v1/upload_tokens_pb.rb and
# upload_tokens_services_pb.rb, required as `upload_token_gateway/v1/...`, in
# this gem's own namespace (the descriptor pool knows the file by that name
# too). The proto package (apivideo.uploadtokens.v1, the names on the wire)
# does not change; the Ruby modules come from the proto's
# ruby_package (UploadTokenGateway::V1). google.rpc is not generated here: the
# gem depends on googleapis-common-protos-types for it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/proto-sources.sh
source "$here/../../scripts/proto-sources.sh"
generated=lib/upload_token_gateway/v1
if [ "${1:-}" = --paths ]; then
  printf '%s\n' "$generated"
  exit 0
fi
out=${1:?usage: generate.sh OUT_DIR | --paths}
require_tools protoc grpc_ruby_plugin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage_api_proto "$tmp" upload_token_gateway/v1/upload_tokens.proto

mkdir -p "$out/lib"
rm -rf "${out:?}/$generated"
protoc -I "$tmp" --ruby_out="$out/lib" --grpc_out="$out/lib" \
  --plugin=protoc-gen-grpc="$(command -v grpc_ruby_plugin)" \
  upload_token_gateway/v1/upload_tokens.proto
