#!/usr/bin/env bash
# Builds the gem, offline, into OUT_DIR:
#   clients/ruby/build-package.sh OUT_DIR  ->  OUT_DIR/upload_token_gateway_client-VERSION.gem
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-package.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(ruby -I"$here/lib" -rupload_token_gateway/version -e 'print UploadTokenGateway::VERSION')
cd "$here"
gem build upload_token_gateway_client.gemspec \
  --output "$out/upload_token_gateway_client-$version.gem"
