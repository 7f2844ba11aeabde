#!/usr/bin/env bash
# Generates the Python client's code (scripts/gen-clients.sh runs it).
#   clients/python/generate.sh OUT_DIR   OUT_DIR stands for clients/python
#   clients/python/generate.sh --paths   the generated directories
#
# The generated modules live in upload_token_gateway_client.v1, not in
# apivideo.uploadtokens.v1 (the path protoc derives from the proto's file
# name): `apivideo` is api.video's own Python package. protoc has no option to
# move Python output, so the proto is copied, unchanged, to
# upload_token_gateway_client/v1/upload_tokens.proto in a temporary root and
# generated from there: the modules then import each other as
# upload_token_gateway_client.v1.*, and their descriptor is registered under
# that file name (the proto package, apivideo.uploadtokens.v1, and so the
# gRPC method paths, are unchanged). google.rpc is not generated here: the
# package depends on googleapis-common-protos for it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/proto-sources.sh"
package_dir=upload_token_gateway_client/v1
if [ "${1:-}" = --paths ]; then
  printf '%s\n' "$package_dir"
  exit 0
fi
out=${1:?usage: generate.sh OUT_DIR | --paths}
require_tools protoc grpc_python_plugin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
proto=$package_dir/upload_tokens.proto
mkdir -p "$work/out"
stage_api_proto "$work/src" "$proto"
protoc -I "$work/src" --python_out="$work/out" --pyi_out="$work/out" \
  --grpc_python_out="$work/out" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" "$proto"
protoc -I "$work/src" --include_imports \
  --descriptor_set_out="$work/descriptors.pb" "$proto"
/usr/bin/python3 "$proto_root/scripts/gen-grpc-pyi.py" "$work/descriptors.pb" \
  "$proto" "$work/out/$package_dir/upload_tokens_pb2_grpc.pyi"
# A package marker, so that the directory holds generated files only.
printf '"""Generated from %s by clients/python/generate.sh: do not edit."""\n' \
  "$api" >"$work/out/$package_dir/__init__.py"

rm -rf "${out:?}/$package_dir"
mkdir -p "$out/$package_dir"
cp "$work/out/$package_dir"/* "$out/$package_dir/"
