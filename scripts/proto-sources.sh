# Sourced by scripts/gen-clients.sh and clients/*/generate.sh: where the protos
# every client is generated from are.
#   api_dir/api   the API (proto/apivideo/uploadtokens/v1/upload_tokens.proto)
#   rpc_dir/rpc   google.rpc.Status and its details, the copies the C++ build
#                 uses (proto/CMakeLists.txt): Debian's
#                 golang-github-gogo-googleapis-dev.
# shellcheck shell=bash disable=SC2034  # the sourcing script uses them
proto_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
api_dir=$proto_root/proto
api=apivideo/uploadtokens/v1/upload_tokens.proto
rpc_dir=${GOOGLEAPIS_PROTO_DIR:-/usr/share/gocode/src/github.com/gogo/googleapis}
rpc=(google/rpc/status.proto google/rpc/error_details.proto)

# stage_api_proto DIR PATH: a copy of the API's proto at DIR/PATH. For the
# languages whose generated imports follow the proto's file path (Python,
# Ruby): generated from there, the code imports the package's own path rather
# than apivideo/..., another project's namespace. The proto package, and so
# every name on the wire, stays.
stage_api_proto() {
  mkdir -p "$1/$(dirname "$2")"
  cp "$api_dir/$api" "$1/$2"
}

# Fails naming the package that installs the first missing tool.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "generate: $tool is missing (scripts/install-deps.sh installs it)" >&2
      return 1
    }
  done
}
