#!/usr/bin/env bash
# Runs a command against a live gateway on a fresh api.video emulator, both on
# free loopback ports, and stops both afterwards. The command's exit status is
# this script's.
#
#   clients/testing/with-gateway.sh [BIN_DIR] [--tls] -- COMMAND [ARGS...]
#
# BIN_DIR (or $GATEWAY_BIN_DIR, default build/bin) holds upload_token_gateway
# and apivideo_emulator; ctest passes ${CMAKE_BINARY_DIR}/bin. The command gets
# GATEWAY_ADDRESS=127.0.0.1:PORT in its environment, and EMULATOR_URL (the
# emulator's base URL, whose /_emulator/ control surface tests may use, e.g.
# to exhaust the rate limit).
#
# With --tls the gateway is deployed as in production: TLS with a throwaway
# test CA (tests/testing/make_test_certs.sh), mTLS for the client identity
# spiffe://test/ns/default/sa/billing, and a caller token required
# (--caller_tokens_file). GATEWAY_ADDRESS stays an IP address, which the test
# certificate names: a host name would go through gRPC's c-ares resolver,
# whose allocations LeakSanitizer reports at exit under make test-asan. The
# command then also gets GATEWAY_CA_FILE, GATEWAY_CLIENT_CERT_FILE,
# GATEWAY_CLIENT_KEY_FILE and GATEWAY_CALLER_TOKEN.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GATEWAY_BIN_DIR:-$root/build/bin}
tls=false
if [ $# -gt 0 ] && [ "$1" != -- ] && [ "$1" != --tls ]; then bin=$1; shift; fi
if [ "${1:-}" = --tls ]; then tls=true; shift; fi
[ "${1:-}" = -- ] && shift
if [ $# -eq 0 ]; then
  echo "usage: $0 [BIN_DIR] -- COMMAND [ARGS...]" >&2
  exit 2
fi
for exe in apivideo_emulator upload_token_gateway; do
  [ -x "$bin/$exe" ] || { echo "with-gateway: no $bin/$exe (build first)" >&2; exit 1; }
done

key="clients-test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
logs=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap cleanup EXIT

# Waits up to 20 s for "listening on ADDRESS" in a log; prints ADDRESS.
wait_listening() {
  local log=$1 pid=$2 name=$3 address=""
  for _ in $(seq 1 400); do
    address=$(sed -n 's/.*listening on \([^ "]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$address" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$address" ]; then
    echo "with-gateway: $name did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  echo "$address"
}

"$bin/apivideo_emulator" --listen=127.0.0.1:0 --api_key="$key" \
  2>"$logs/emulator.log" &
pids+=($!)
emulator_url=$(wait_listening "$logs/emulator.log" "${pids[0]}" emulator)

# No background health probes: the tests count nothing upstream, but quiet
# logs are easier to read on failure.
gateway_flags=(--listen=127.0.0.1:0 --api_base_url="$emulator_url"
  --health_probe_interval=0)
client_env=()
if $tls; then
  certs=$logs/certs
  "$root/tests/testing/make_test_certs.sh" "$certs"
  caller_token="caller-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf 'example-service %s\n' \
    "$(printf '%s' "$caller_token" | sha256sum | cut -d' ' -f1)" \
    >"$logs/caller-tokens"
  gateway_flags+=(--tls_cert_file="$certs/server.pem"
    --tls_key_file="$certs/server.key" --client_ca_file="$certs/ca.pem"
    --allowed_clients=spiffe://test/ns/default/sa/billing
    --caller_tokens_file="$logs/caller-tokens")
  client_env=(GATEWAY_CA_FILE="$certs/ca.pem"
    GATEWAY_CLIENT_CERT_FILE="$certs/billing.pem"
    GATEWAY_CLIENT_KEY_FILE="$certs/billing.key"
    GATEWAY_CALLER_TOKEN="$caller_token")
fi
APIVIDEO_API_KEY=$key "$bin/upload_token_gateway" "${gateway_flags[@]}" \
  >"$logs/gateway.log" 2>&1 &
pids+=($!)
address=$(wait_listening "$logs/gateway.log" "${pids[1]}" gateway)

status=0
env "${client_env[@]}" GATEWAY_ADDRESS="$address" EMULATOR_URL="$emulator_url" \
  "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "with-gateway: '$*' failed ($status); gateway log:" >&2
  tail -n 30 "$logs/gateway.log" >&2
fi
exit "$status"
