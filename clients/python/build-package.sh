#!/usr/bin/env bash
# Builds the wheel upload_token_gateway_client-VERSION-py3-none-any.whl into
# OUT_DIR, offline (Debian's python3-pip, python3-setuptools, python3-wheel).
#   clients/python/build-package.sh OUT_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-package.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
# setuptools writes build/ and *.egg-info next to pyproject.toml: build from a
# copy so that the tree stays clean.
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -r "$here/pyproject.toml" "$here/README.md" "$here/upload_token_gateway_client" "$src/"
find "$src" -name __pycache__ -prune -exec rm -rf {} +
PIP_NO_INDEX=1 /usr/bin/python3 -m pip wheel --quiet --no-deps \
  --no-build-isolation --wheel-dir "$out" "$src"
