#!/usr/bin/env bash
# The Go client's test, offline, as a service in another repository uses the
# module. ctest runs it as
#   clients/testing/with-gateway.sh BIN --tls --replicas 2 -- clients/go/test-package.sh
# It checks the published go.mod, copies the module to a temp dir (what
# `go get` would fetch), makes a throwaway module in another temp dir that
# requires upload-token-gateway.internal/clients/go, and there: go vet of
# both, the helpers' unit tests, and a build and run of examples/example
# against GATEWAY_TARGET (mTLS and the caller's token from with-gateway.sh).
#
# No module proxy: the throwaway module's replace directives (never the
# published go.mod's) map the modules to Debian's sources under
# /usr/share/gocode/src (golang-google-grpc-dev 1.33, golang-google-protobuf-dev,
# golang-github-golang-protobuf-1-5-dev, golang-golang-x-{net,sys,text}-dev,
# golang-google-genproto-dev), and every other module the graph names but no
# build here uses to an empty stand-in.
#
#   clients/go/test-package.sh          the test
#   clients/go/test-package.sh --deps   prints the directories under
#                                       /usr/share/gocode/src whose packages
#                                       the test builds, and exits
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=upload-token-gateway.internal/clients/go
gocode=/usr/share/gocode/src
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "test-package: $*" >&2; exit 1; }

# The published go.mod: what `go get` reads next to the user's own modules.
published=$here/go.mod
go_version=$(awk '$1 == "go" { print $2 }' "$published")
[ "$go_version" = 1.19 ] || [[ $go_version = 1.1[0-8] ]] ||
  fail "go.mod says go $go_version: Debian 12's Go 1.19 must build the module"
! grep -Eq '^[[:space:]]*(replace|toolchain)\b' "$published" ||
  fail "the published go.mod must have no replace or toolchain line"
[ ! -e "$here/go.work" ] || fail "no go.work in clients/go: it would be published"
# The whole genproto module (2020's had googleapis/rpc in it) next to the
# googleapis/rpc module is an "ambiguous import".
! grep -Eq 'google\.golang\.org/genproto v' "$published" ||
  fail "go.mod must require google.golang.org/genproto/googleapis/rpc, not google.golang.org/genproto"
for dependency in google.golang.org/grpc google.golang.org/protobuf \
  google.golang.org/genproto/googleapis/rpc; do
  grep -Eq "^[[:space:]]*(require[[:space:]]+)?$dependency v" "$published" ||
    fail "go.mod does not require $dependency"
done

# What `go get` would fetch: the module's files.
mkdir -p "$work/module"
cp -r "$here/." "$work/module/"

# Debian's genproto predates the googleapis/rpc module: that part of it, with
# the go.mod the published module has.
mkdir -p "$work/deps"
cp -r "$gocode/google.golang.org/genproto/googleapis/rpc" "$work/deps/rpc"
printf 'module google.golang.org/genproto/googleapis/rpc\n\ngo 1.11\n\nrequire google.golang.org/protobuf v1.28.1\n' \
  >"$work/deps/rpc/go.mod"
replaces=(
  "$module=$work/module"
  "google.golang.org/genproto/googleapis/rpc=$work/deps/rpc"
)
for debian in google.golang.org/grpc google.golang.org/protobuf \
  github.com/golang/protobuf golang.org/x/net golang.org/x/sys golang.org/x/text; do
  [ -f "$gocode/$debian/go.mod" ] || fail "no $gocode/$debian (scripts/install-deps.sh)"
  replaces+=("$debian=$gocode/$debian")
done
# Named by the go.mod files above (grpc 1.33's and protobuf's are pre-1.17,
# so the go command reads their whole graph), but not built: empty modules.
# google.golang.org/genproto, too, so that googleapis/rpc has one home.
for stand_in in google.golang.org/genproto golang.org/x/term golang.org/x/tools \
  golang.org/x/mod golang.org/x/oauth2 github.com/cncf/udpa/go \
  github.com/envoyproxy/go-control-plane github.com/golang/glog \
  github.com/google/go-cmp github.com/google/uuid; do
  mkdir -p "$work/stand-ins/$stand_in"
  printf 'module %s\n' "$stand_in" >"$work/stand-ins/$stand_in/go.mod"
  replaces+=("$stand_in=$work/stand-ins/$stand_in")
done

# The throwaway module of a service that uses the client.
app=$work/app
mkdir -p "$app"
cp "$here/examples/example/main.go" "$app/main.go"
printf 'module example.test/gatewaycheck\n\ngo 1.19\n\nrequire %s v1.0.0\n' "$module" \
  >"$app/go.mod"
cd "$app"
export GO111MODULE=on GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOWORK=off \
  GOTOOLCHAIN=local GOENV=off GOPATH=$work/gopath
# The build cache is content-addressed and safe to share; a temp one when
# there is none (no HOME).
cache=$(go env GOCACHE 2>/dev/null || true)
case $cache in ''|off) cache=$work/gocache ;; esac
export GOCACHE=$cache
for replace in "${replaces[@]}"; do go mod edit -replace="$replace"; done

if [ "${1:-}" = --deps ]; then
  go list -deps -test -f '{{if not .Standard}}{{.Dir}}{{end}}' . "$module/..." |
    sed "s|^$work/deps/rpc|$gocode/google.golang.org/genproto/googleapis/rpc|" |
    grep "^$gocode/" | sort -u
  exit 0
fi

unformatted=$(gofmt -l "$work/module")
[ -z "$unformatted" ] || fail "not gofmt-formatted: $unformatted"
go vet . "$module/..."
# grpc-go before 1.40 (Debian's 1.33) applies a retry policy only with
# GRPC_GO_RETRY=on; later ones always do.
export GRPC_GO_RETRY=on
go test -count=1 "$module/..."
go build -o "$app/example" .
"$app/example"
