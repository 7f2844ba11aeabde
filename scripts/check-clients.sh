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
# The generated paths only (see gen-clients.sh); Python's __pycache__ aside.
generated=(
  clients/python/apivideo/uploadtokens/v1
  clients/python/google/rpc
  clients/go/apivideo/uploadtokens/v1
  clients/node/proto
  clients/node/generated
  clients/java/src/generated
)
stale=0
for dir in "${generated[@]}"; do
  # Hand-written files sit beside the generated ones in the Python and Go
  # packages: compare only the names gen-clients.sh writes there.
  case $dir in
    clients/python/*|clients/go/*)
      while IFS= read -r -d '' file; do
        rel=${file#"$tmp/"}
        cmp -s "$file" "$root/$rel" || { echo "stale: $rel" >&2; stale=1; }
      done < <(find "$tmp/$dir" -type f -print0)
      while IFS= read -r -d '' file; do
        rel=${file#"$root/"}
        [ -e "$tmp/$rel" ] || { echo "stale (no longer generated): $rel" >&2; stale=1; }
      done < <(find "$root/$dir" -maxdepth 1 -type f \
        \( -name '*_pb2*.py*' -o -name '*.pb.go' \) -print0)
      ;;
    *)
      diff -r "$tmp/$dir" "$root/$dir" >&2 || stale=1
      ;;
  esac
done
if [ "$stale" -ne 0 ]; then
  echo "The generated clients are stale: run 'make clients' and commit clients/." >&2
  exit 1
fi
echo "clients/ is up to date with proto/"
