#!/usr/bin/env bash
# Tries the C++ client library as another Bazel workspace would: a throwaway
# workspace that declares this repository with local_repository, calls
# upload_token_client_repositories(), and builds a cc_binary of
# examples/example.cc depending only on
# @upload_token_gateway//clients/cpp:upload_token_client; then runs it over
# mTLS with a caller token against a gateway and emulator built by Bazel.
# `make test-bazel` runs it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'cd /; (cd "$work/ws" 2>/dev/null && bazel shutdown 2>/dev/null) || true; rm -rf "$work"' EXIT
mkdir -p "$work/ws/app" "$work/bin"

# The first stanzas are what Debian's offline Bazel 4.2 needs (as in this
# repository's WORKSPACE); a workspace on a networked Bazel leaves them out.
cat >"$work/ws/WORKSPACE" <<WORKSPACE
workspace(name = "client_user")

local_repository(name = "platforms", path = "/usr/share/bazel/tools/platforms")
local_repository(name = "bazel_skylib", path = "/usr/share/bazel/tools/skylib")
local_repository(name = "rules_java", path = "/usr/share/bazel/rules/java")
local_repository(name = "rules_cc", path = "$root/bazel/shims/rules_cc")

local_repository(name = "upload_token_gateway", path = "$root")

load("@upload_token_gateway//bazel:client_repositories.bzl",
     "upload_token_client_repositories")

upload_token_client_repositories()
WORKSPACE
cp "$root/.bazelrc" "$work/ws/.bazelrc"
cp "$root/clients/cpp/examples/example.cc" "$work/ws/app/"
cat >"$work/ws/app/BUILD" <<'BUILD'
cc_binary(
    name = "example",
    srcs = ["example.cc"],
    deps = ["@upload_token_gateway//clients/cpp:upload_token_client"],
)
BUILD

(cd "$work/ws" && bazel build //app:example)
# The gateway and emulator of this repository's own Bazel build.
(cd "$root" && bazel build //gateway:upload_token_gateway //tests:apivideo_emulator)
bazel_bin=$(cd "$root" && bazel info bazel-bin 2>/dev/null)
ln -s "$bazel_bin/gateway/app/upload_token_gateway" "$work/bin/"
ln -s "$bazel_bin/tests/apivideo_emulator" "$work/bin/"
"$root/clients/testing/with-gateway.sh" "$work/bin" --tls -- \
  "$work/ws/bazel-bin/app/example"
