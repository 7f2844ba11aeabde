#!/usr/bin/env bash
# Starts the gateway in the foreground (Ctrl-C stops it).
#   APIVIDEO_API_KEY set:   against api.video (APIVIDEO_BASE_URL, default
#                           https://ws.api.video; the sandbox is
#                           https://sandbox.api.video).
#   APIVIDEO_API_KEY unset: against a local api.video emulator started here
#                           with a throwaway key.
#                           The emulator applies api.video's production
#                           rate limits, 500 reads and 200 writes a minute
#                           (EMULATOR_RATE_LIMITS="READS WRITES" to change),
#                           so that callers see locally what they will see
#                           in production.
# GATEWAY_LISTEN (default [::]:50051) sets the gRPC address; any arguments
# are passed to the gateway as flags.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/build/bin"
listen=${GATEWAY_LISTEN:-[::]:50051}

banner() {
  local port=${listen##*:}
  cat >&2 <<TXT

  UploadTokenService is starting on $listen ($1).
  Try, from another terminal (https://github.com/fullstorydev/grpcurl):
    grpcurl -plaintext localhost:$port list
    grpcurl -plaintext -d '{"ttl": 3600}' localhost:$port apivideo.uploadtokens.v1.UploadTokenService/CreateUploadToken
  Ctrl-C stops it.

TXT
}

if [ -n "${APIVIDEO_API_KEY:-}" ]; then
  base_url=${APIVIDEO_BASE_URL:-https://ws.api.video}
  banner "upstream $base_url"
  exec "$bin/upload_token_gateway" --listen="$listen" --api_base_url="$base_url" "$@"
fi

key="dev-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
read -r rate_reads rate_writes <<<"${EMULATOR_RATE_LIMITS:-500 200}"
emulator_log=$(mktemp)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -f "$emulator_log"
}
trap cleanup EXIT

"$bin/apivideo_emulator" --listen="127.0.0.1:${EMULATOR_PORT:-0}" \
  --api_key="$key" --rate_limit_reads="$rate_reads" \
  --rate_limit_writes="$rate_writes" --rate_limit_window=60s \
  2>"$emulator_log" &
emulator_pid=$!
emulator_url=""
for _ in $(seq 1 200); do
  emulator_url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$emulator_log" | head -n 1)
  [ -n "$emulator_url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$emulator_url" ]; then
  echo "the emulator did not start:" >&2
  cat "$emulator_log" >&2
  exit 1
fi

banner "no APIVIDEO_API_KEY: on the api.video emulator at $emulator_url, $rate_reads reads and $rate_writes writes a minute"
APIVIDEO_API_KEY=$key "$bin/upload_token_gateway" --listen="$listen" \
  --api_base_url="$emulator_url" "$@"
