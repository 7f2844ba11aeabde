#!/usr/bin/env bash
# Generates every client's code under clients/ from proto/ with Debian's protoc
# and plugins (make clients). With an argument, writes the same tree under that
# directory instead of the checkout: scripts/check-clients.sh diffs the two.
#
# Generated (and committed) paths, nothing else is touched:
#   clients/python/apivideo/uploadtokens/v1/upload_tokens_pb2{,_grpc}.py{,i}
#     (the _grpc .pyi by scripts/gen-grpc-pyi.py)
#   clients/python/google/rpc/{status,error_details}_pb2.py{,i}
#   clients/go/apivideo/uploadtokens/v1/*.pb.go
#   clients/node/proto/**.proto, clients/node/generated/**.ts
#   clients/java/src/generated/java/** (hand-written code is in src/main/java)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root}
mkdir -p "$out"
out=$(cd "$out" && pwd)

api_dir=$root/proto
api=apivideo/uploadtokens/v1/upload_tokens.proto
# google.rpc.Status and its details, the copies the C++ build uses
# (proto/CMakeLists.txt): Debian's golang-github-gogo-googleapis-dev.
rpc_dir=${GOOGLEAPIS_PROTO_DIR:-/usr/share/gocode/src/github.com/gogo/googleapis}
rpc=(google/rpc/status.proto google/rpc/error_details.proto)
go_module=github.com/apivideo/upload-token-gateway/clients/go

for tool in protoc protoc-gen-go protoc-gen-go-grpc grpc_python_plugin \
    grpc_java_plugin; do
  command -v "$tool" >/dev/null || {
    echo "gen-clients: $tool is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  }
done
proto_loader_gen=$root/clients/node/node_modules/.bin/proto-loader-gen-types
if [ ! -x "$proto_loader_gen" ]; then
  echo "gen-clients: run 'npm ci' in clients/node first (proto-loader-gen-types)" >&2
  exit 1
fi

# Start each generated directory empty so that a removed message leaves no
# stale file behind.
py=$out/clients/python
gol=$out/clients/go
node=$out/clients/node
java=$out/clients/java/src/generated/java
rm -f "$py"/apivideo/uploadtokens/v1/upload_tokens_pb2*.py* \
  "$py"/google/rpc/*_pb2.py* "$gol"/apivideo/uploadtokens/v1/*.pb.go
rm -rf "$node/proto" "$node/generated" "$java"
mkdir -p "$py" "$gol" "$node/proto" "$node/generated" "$java"

# Python: builder-style modules, .pyi stubs, grpc stubs. google/rpc lands in
# clients/python/google/rpc, beside the google.protobuf namespace package.
protoc -I "$api_dir" --python_out="$py" --pyi_out="$py" \
  --grpc_python_out="$py" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" "$api"
protoc -I "$rpc_dir" --python_out="$py" --pyi_out="$py" "${rpc[@]}"
# grpc_python_plugin writes no .pyi for the stub module: our own script does.
descriptors=$(mktemp)
trap 'rm -f "$descriptors"' EXIT
protoc -I "$api_dir" --include_imports --descriptor_set_out="$descriptors" "$api"
/usr/bin/python3 "$root/scripts/gen-grpc-pyi.py" "$descriptors" "$api" \
  "$py/apivideo/uploadtokens/v1/upload_tokens_pb2_grpc.pyi"

# Go: only the API; google.rpc comes from Debian's genproto
# (google.golang.org/genproto/googleapis/rpc/...).
protoc -I "$api_dir" --go_out="$gol" --go_opt=module=$go_module \
  --go-grpc_out="$gol" --go-grpc_opt=module=$go_module "$api"

# Java: the API and google.rpc (com.google.rpc); google.protobuf comes from
# Debian's protobuf-java jar.
protoc -I "$api_dir" -I "$rpc_dir" --java_out="$java" --grpc-java_out="$java" \
  --plugin=protoc-gen-grpc-java="$(command -v grpc_java_plugin)" \
  "$api" "${rpc[@]}"

# Node: @grpc/proto-loader loads the .proto files at run time (shipped in the
# package), and proto-loader-gen-types writes the TypeScript types.
mkdir -p "$node/proto/apivideo/uploadtokens/v1" "$node/proto/google/rpc"
cp "$api_dir/$api" "$node/proto/$api"
for f in "${rpc[@]}"; do cp "$rpc_dir/$f" "$node/proto/$f"; done
(cd "$node/proto" && "$proto_loader_gen" --grpcLib=@grpc/grpc-js \
  --outDir="$node/generated" --longs=String --enums=String --defaults \
  --oneofs --includeComments -- "$api" "${rpc[@]}" >/dev/null)
