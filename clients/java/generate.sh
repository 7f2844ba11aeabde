#!/usr/bin/env bash
# Generates the Java client's code (scripts/gen-clients.sh runs it): the
# messages and UploadTokenServiceGrpc of package internal.uploadtokengateway.v1
# (the proto's java_package). google.rpc is not generated here: it comes from
# the proto-google-common-protos jar the POM depends on.
#   clients/java/generate.sh OUT_DIR   OUT_DIR stands for clients/java
#   clients/java/generate.sh --paths   the generated directories
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/proto-sources.sh
source "$here/../../scripts/proto-sources.sh"
if [ "${1:-}" = --paths ]; then
  printf '%s\n' src/generated/java
  exit 0
fi
out=${1:?usage: generate.sh OUT_DIR | --paths}
require_tools protoc grpc_java_plugin
java=$out/src/generated/java
rm -rf "$java"
mkdir -p "$java"
protoc -I "$api_dir" --java_out="$java" --grpc-java_out="$java" \
  --plugin=protoc-gen-grpc-java="$(command -v grpc_java_plugin)" "$api"
