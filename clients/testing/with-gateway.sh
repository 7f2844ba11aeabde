#!/usr/bin/env bash
# Runs a command against a live gateway on a fresh api.video emulator, both on
# free loopback ports, and stops both afterwards. The command's exit status is
# this script's.
#
#   clients/testing/with-gateway.sh [BIN_DIR] [--tls] [--replicas 2] -- COMMAND [ARGS...]
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
#
# With --replicas 2 two gateways on the same emulator and one redis-server
# serve one DNS name, as
# the headless Service of deploy/ does: 127.0.0.1:PORT and 127.0.0.2:PORT, and
# clients/testing/dns_server.py answers gateway.test with both addresses. The
# command gets GATEWAY_TARGET=dns://127.0.0.1:DNS_PORT/gateway.test:PORT (the
# DNS server in the target's authority, which gRPC's C core and grpc-go
# honour, and grpc-js with GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true),
# GATEWAY_HOSTS_FILE (the same name in hosts-file form, for
# resolvers that take no DNS server, e.g. the JVM's -Djdk.net.hosts.file) and
# GATEWAY_HOST/GATEWAY_PORT. After the command succeeds, each replica's
# /metrics must show calls it handled: a client that sent everything to one
# replica fails. Without --replicas, GATEWAY_TARGET is GATEWAY_ADDRESS.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${GATEWAY_BIN_DIR:-$root/build/bin}
tls=false
replicas=1
usage="usage: $0 [BIN_DIR] [--tls] [--replicas 1|2] -- COMMAND [ARGS...]"
if [ $# -gt 0 ] && [[ $1 != -* ]]; then bin=$1; shift; fi
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case $1 in
    --tls) tls=true; shift ;;
    --replicas) replicas=${2:-}; shift 2 || { echo "$usage" >&2; exit 2; } ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ "${1:-}" = -- ] && shift
if [ $# -eq 0 ] || { [ "$replicas" != 1 ] && [ "$replicas" != 2 ]; }; then
  echo "$usage" >&2
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

# Waits up to 20 s for "PREFIX ADDRESS" in a log (PREFIX: "listening on" unless
# given); prints ADDRESS.
wait_listening() {
  local log=$1 pid=$2 name=$3 prefix=${4:-listening on} address=""
  for _ in $(seq 1 400); do
    address=$(sed -n "s|.*$prefix \([^ \"]*\).*|\1|p" "$log" 2>/dev/null | head -n 1)
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
gateway_flags=(--api_base_url="$emulator_url"
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
# Two replicas share their state through Redis, as deployed: a Create retried
# with its request_id on the other replica still makes one token.
if [ "$replicas" = 2 ]; then
  redis_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" \
    --appendonly no >"$logs/redis.log" 2>&1 &
  pids+=($!)
  wait_listening "$logs/redis.log" "$!" redis-server "Ready to accept" \
    >/dev/null || { cat "$logs/redis.log" >&2; exit 1; }
  gateway_flags+=(--redis_address="127.0.0.1:$redis_port")
fi
# start_gateway HOST:PORT NAME: starts a replica with its metrics on the same
# host; sets `address` and `metrics`.
start_gateway() {
  local host=${1%:*} name=$2
  APIVIDEO_API_KEY=$key "$bin/upload_token_gateway" "${gateway_flags[@]}" \
    --listen="$1" --metrics_listen="$host:0" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  address=$(wait_listening "$logs/$name.log" "$!" "$name")
  metrics=$(wait_listening "$logs/$name.log" "$!" "$name" "metrics on")
  metrics=${metrics%/metrics}
}
start_gateway 127.0.0.1:0 gateway
port=${address##*:}
metrics_urls=("$metrics")
target=$address
if [ "$replicas" = 2 ]; then
  first=$address
  start_gateway "127.0.0.2:$port" gateway-2
  metrics_urls+=("$metrics")
  address=$first
  /usr/bin/python3 "$root/clients/testing/dns_server.py" gateway.test \
    127.0.0.1 127.0.0.2 2>"$logs/dns.log" &
  pids+=($!)
  dns=$(wait_listening "$logs/dns.log" "$!" dns_server)
  target="dns://$dns/gateway.test:$port"
  printf '127.0.0.1 gateway.test\n127.0.0.2 gateway.test\n' >"$logs/hosts"
  client_env+=(GATEWAY_HOSTS_FILE="$logs/hosts" GATEWAY_HOST=gateway.test
    GATEWAY_PORT="$port")
fi

# The calls a replica has handled, from its grpc_server_handled_total.
handled_calls() {
  /usr/bin/python3 -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1] + "/metrics", timeout=5).read().decode())' \
    "$1" | awk '/^grpc_server_handled_total[{ ]/ { n += $NF }
    END { printf "%d\n", n }'
}

status=0
env "${client_env[@]}" GATEWAY_ADDRESS="$address" GATEWAY_TARGET="$target" \
  EMULATOR_URL="$emulator_url" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "with-gateway: '$*' failed ($status); gateway log:" >&2
  tail -n 30 "$logs/gateway.log" >&2
  exit "$status"
fi
if [ "$replicas" = 2 ]; then
  for i in 0 1; do
    calls=$(handled_calls "${metrics_urls[$i]}")
    echo "with-gateway: replica $((i + 1)) handled $calls calls"
    if [ "${calls:-0}" -eq 0 ]; then
      echo "with-gateway: replica $((i + 1)) handled no call: the client did" \
        "not spread its calls over both addresses of gateway.test" >&2
      exit 1
    fi
  done
fi
