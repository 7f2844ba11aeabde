#!/usr/bin/env bash
# Fails when the committed client code (clients/) is not what
# scripts/gen-clients.sh makes from proto/ now, i.e. when `make clients` was
# not run after a proto change; when `buf lint` finds a problem; and when
# `buf breaking` finds a change that breaks callers already deployed,
# against the proto of the commit in proto/BREAKING_BASELINE (the last landed
# API; move it forward when a release is cut).
# Needs `npm ci` in clients/node and clients/tools (make test does it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

buf=$root/clients/tools/node_modules/.bin/buf
if [ ! -x "$buf" ]; then
  echo "check-clients: run 'npm ci' in clients/tools first (buf)" >&2
  exit 1
fi
(cd "$root" && "$buf" lint)

baseline=$(tr -d '[:space:]' < "$root/proto/BREAKING_BASELINE")
if ! git -C "$root" cat-file -e "$baseline^{commit}" 2>/dev/null; then
  echo "check-clients: the breaking-change baseline $baseline is not in this" \
    "clone (a shallow clone?): fetch it, e.g. git fetch --unshallow" >&2
  exit 1
fi
(cd "$root" && "$buf" breaking --against ".git#ref=$baseline")

"$root/scripts/gen-clients.sh" "$tmp"
stale=0
for generate in "$root"/clients/*/generate.sh; do
  lang=$(basename "$(dirname "$generate")")
  while IFS= read -r dir; do
    [ -n "$dir" ] || continue
    diff -r -x __pycache__ "$tmp/clients/$lang/$dir" "$root/clients/$lang/$dir" >&2 ||
      stale=1
  done < <("$generate" --paths)
done
if [ "$stale" -ne 0 ]; then
  echo "The generated clients are stale: run 'make clients' and commit clients/." >&2
  exit 1
fi
echo "clients/ is up to date with proto/"
