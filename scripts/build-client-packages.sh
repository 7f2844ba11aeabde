#!/usr/bin/env bash
# Builds every client package (make clients) into OUT_DIR/LANG/: the Python
# wheel, the npm tarball, the Java jar and POM, the Ruby gem; each by its
# clients/LANG/build-package.sh. The Go module is its source: nothing to build.
#
#   scripts/build-client-packages.sh OUT_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-client-packages.sh OUT_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for build in "$root"/clients/*/build-package.sh; do
  lang=$(basename "$(dirname "$build")")
  rm -rf "${out:?}/$lang"
  mkdir -p "$out/$lang"
  "$build" "$out/$lang"
  echo "clients/$lang: $(cd "$out/$lang" && find . -maxdepth 1 -type f \
    -printf '%f ')"
done
