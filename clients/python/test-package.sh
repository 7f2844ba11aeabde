#!/usr/bin/env bash
# The Python package as another repository takes it up (issue #19): ctest runs
#   clients/testing/with-gateway.sh BIN --tls --replicas 2 -- clients/python/test-package.sh
# It builds the wheel, and beside it two stand-ins built here: a
# googleapis-common-protos wheel (google/rpc/*_pb2.py generated with protoc;
# Debian 12 has no python3 package of it) and an api.video wheel with a
# top-level `apivideo` package, as api.video's client has. In a virtualenv in
# a temporary directory (--system-site-packages: Debian's python3-grpcio and
# python3-protobuf meet grpcio/protobuf) it pip-installs the three with
# --no-index, then runs, from another temporary directory outside the tree,
# the unit tests, examples/check_neighbours.py (the three side by side) and
# examples/example.py against GATEWAY_TARGET over mTLS with the caller token.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/proto-sources.sh"
python=/usr/bin/python3
require_tools protoc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wheels=$work/wheels
mkdir -p "$wheels" "$work/stand-ins" "$work/project"

echo "== building upload-token-gateway-client" >&2
"$here/build-package.sh" "$wheels"

# A stand-in project: pyproject.toml naming DIST VERSION, and the packages in
# the directory given.
build_stand_in() {
  local dir=$1 dist=$2 version=$3 packages=$4
  cat >"$dir/pyproject.toml" <<TOML
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"
[project]
name = "$dist"
version = "$version"
description = "A stand-in of $dist, written by clients/python/test-package.sh"
[tool.setuptools]
packages = [$packages]
TOML
  PIP_NO_INDEX=1 "$python" -m pip wheel --quiet --no-deps --no-build-isolation \
    --wheel-dir "$wheels" "$dir"
}

echo "== building the stand-ins of googleapis-common-protos and api.video" >&2
common=$work/stand-ins/common-protos
mkdir -p "$common"
protoc -I "$rpc_dir" --python_out="$common" "${rpc[@]}"
# google and google.rpc as namespace packages, as googleapis-common-protos
# ships them next to protobuf's google.protobuf.
build_stand_in "$common" googleapis-common-protos 1.56.4 '"google.rpc"'
video=$work/stand-ins/api.video
mkdir -p "$video/apivideo"
cat >"$video/apivideo/__init__.py" <<'PY'
"""Stand-in of api.video's Python client (top-level package `apivideo`)."""
def whoami():
    return "api.video stand-in"
PY
build_stand_in "$video" api.video 1.4.0 '"apivideo"'
ls "$wheels" >&2

echo "== installing them into a virtualenv" >&2
"$python" -m venv --system-site-packages "$work/venv"
venv_python=$work/venv/bin/python
PIP_NO_INDEX=1 "$venv_python" -m pip install --quiet --no-index \
  --find-links "$wheels" upload-token-gateway-client api.video
"$venv_python" -m pip list 2>/dev/null |
  grep -E '^(upload-token-gateway-client|googleapis-common-protos|api.video|grpcio|protobuf) ' >&2

# The project: the example programs and unit tests, run from its directory
# so that nothing of the tree is on sys.path.
cp "$here/examples/example.py" "$here/examples/check_neighbours.py" \
  "$here/tests/test_client.py" "$work/project/"
cd "$work/project"
echo "== unit tests" >&2
"$venv_python" -m unittest -v test_client
echo "== next to apivideo and google.rpc" >&2
"$venv_python" check_neighbours.py
echo "== example against $GATEWAY_TARGET" >&2
"$venv_python" example.py
