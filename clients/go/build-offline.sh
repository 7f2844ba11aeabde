#!/usr/bin/env bash
# Builds the package and the example offline against Debian's Go libraries
# (/usr/share/gocode: golang-google-grpc-dev, golang-google-genproto-dev,
# golang-goprotobuf-dev, golang-google-protobuf-dev), in GOPATH mode: a
# throwaway GOPATH links this module under its import path, so no module
# proxy and no replace lines are needed. With a module proxy, plain
# `go build ./...` in this directory works too.
#   clients/go/build-offline.sh OUT_DIR   (writes OUT_DIR/example)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-offline.sh OUT_DIR}
mkdir -p "$out"
gopath=$(mktemp -d)
trap 'rm -rf "$gopath"' EXIT
module=github.com/apivideo/upload-token-gateway/clients/go
mkdir -p "$gopath/src/$(dirname "$module")"
ln -s "$here" "$gopath/src/$module"
export GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local
export GOPATH="$gopath:/usr/share/gocode"
go vet "$module/apivideo/uploadtokens/v1" "$module/examples/example"
go build -o "$out/example" "$module/examples/example"
