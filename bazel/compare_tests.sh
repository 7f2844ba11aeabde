#!/usr/bin/env bash
# Checks that Bazel and CMake build the same C++ tests: the same test
# executables (by name), each with the same GoogleTest cases.
# Usage: bazel/compare_tests.sh [CMAKE_BUILD_DIR]
#   after `make build` (or `make test`) and `bazel build //...`.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(cd "${1:-build}" && pwd)

# "<executable>: Suite.Case" for every case `--gtest_list_tests` prints.
list_cases() {
  local name=$1 path=$2
  "$path" --gtest_list_tests |
    awk -v exe="$name" '/^[^ ]/ { suite = $1 } /^  / { print exe ": " suite $1 }'
}

cmake_list=$(mktemp) bazel_list=$(mktemp)
trap 'rm -f "$cmake_list" "$bazel_list"' EXIT

# CMake: the executables under the build directory that ctest runs (the
# emulator's Go test and the Node test are not C++ and have no Bazel twin).
ctest --test-dir "$build_dir" -N -V |
  sed -n 's/^[0-9]*: Test command: \([^ ]*\).*/\1/p' |
  grep "^$build_dir/" | sort -u |
  while read -r path; do list_cases "$(basename "$path")" "$path"; done |
  sort >"$cmake_list"

# Bazel: every cc_test, by target name.
bazel_bin=$(bazel info bazel-bin 2>/dev/null)
bazel query 'kind(cc_test, //...)' 2>/dev/null | sort |
  while read -r label; do
    package=${label#//}
    package=${package%%:*}
    name=${label##*:}
    list_cases "$name" "$bazel_bin/$package/$name"
  done |
  sort >"$bazel_list"

if ! diff -u --label cmake "$cmake_list" --label bazel "$bazel_list"; then
  echo "CMake and Bazel build different C++ tests (diff above)" >&2
  exit 1
fi
echo "CMake and Bazel: the same $(cut -d: -f1 "$bazel_list" | sort -u | wc -l) C++ test" \
  "executables, the same $(wc -l <"$bazel_list") test cases"
