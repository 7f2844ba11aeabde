#!/usr/bin/env bash
# Tries the C++ client library as another repository would: installs it from
# the build into a temporary prefix (cmake --install, component
# upload_token_client), builds examples/ against that prefix twice, with
# find_package(UploadTokenClient CONFIG) and with pkg-config, and runs both
# builds against $GATEWAY_ADDRESS (clients/testing/with-gateway.sh --tls sets
# it and the TLS files and caller token).
#
#   clients/cpp/run-example.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run-example.sh BUILD_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --component upload_token_client --prefix "$prefix" \
  >"$work/install.log"
# Nothing of the gateway's own comes along: only the client's files.
if find "$prefix" -type f | grep -v -e '/include/upload_token_client/' \
    -e '/include/apivideo/uploadtokens/v1/' -e '/include/google/rpc/' \
    -e '/libupload_token_client\.a$' -e '/cmake/UploadTokenClient/' \
    -e '/pkgconfig/upload_token_client\.pc$' | grep .; then
  echo "run-example: the install holds files that are not the client's (above)" >&2
  exit 1
fi

# A sanitizer build's library (make test-asan) links only into a program
# built with the same sanitizers.
sanitize=$(sed -n 's/^GATEWAY_SANITIZE:STRING=//p' "$build/CMakeCache.txt")
cxxflags=()
[ -n "$sanitize" ] && cxxflags=(-fsanitize="$sanitize" -fno-omit-frame-pointer)

echo "== find_package(UploadTokenClient CONFIG)"
cmake -S "$here/examples" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="${cxxflags[*]}" \
  >"$work/configure.log" ||
  { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/cmake" >"$work/build.log" ||
  { cat "$work/build.log" >&2; exit 1; }
"$work/cmake/example"

echo "== pkg-config upload_token_client"
pc=$(find "$prefix" -name upload_token_client.pc)
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs \
  upload_token_client)
# shellcheck disable=SC2086  # $flags is a list of words
g++ -std=c++17 -O1 "${cxxflags[@]}" "$here/examples/example.cc" \
  -o "$work/example" $flags
"$work/example"
