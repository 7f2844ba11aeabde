#!/usr/bin/env bash
# Generates every client's code under clients/ from proto/ (make clients): runs
# each clients/LANG/generate.sh, which writes its language's generated
# directories and nothing else. With an argument, writes the same tree under
# that directory instead of the checkout: scripts/check-clients.sh diffs the
# two.
#
#   scripts/gen-clients.sh [OUT_DIR]
#
# Each clients/LANG/generate.sh takes the directory that stands for clients/LANG
# and, with --paths, prints its generated directories relative to clients/LANG
# (one per line; each holds generated files only, so that a diff -r of it is
# the whole check).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root}
mkdir -p "$out"
out=$(cd "$out" && pwd)

for generate in "$root"/clients/*/generate.sh; do
  lang=$(basename "$(dirname "$generate")")
  mkdir -p "$out/clients/$lang"
  "$generate" "$out/clients/$lang"
done
