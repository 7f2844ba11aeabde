#!/usr/bin/env bash
# make test-fresh: the README's quick start on a fresh Debian 12, checked.
#
# In a throwaway chroot of a minimal Debian 12 (debootstrap --variant=minbase
# bookworm, plus only git, make and ca-certificates), on a clone of this
# repository's HEAD (committed work only):
#   1. `make test` must pass;
#   2. `make run` must serve a CreateUploadToken, called from outside the
#      chroot on the default port (50051);
#   3. everything started in the chroot is stopped, /proc, /dev and /dev/pts
#      unmounted, and the chroot removed, on every exit path.
# Prints the time of each step. Needs root (chroot, mount) and the network to
# the Debian mirror and npm registry, like install-deps.sh.
#
# The debootstrapped base is cached as a tarball (FRESH_CACHE_DIR, default
# ~/.cache/upload-token-gateway); delete it to start from a new one. When a
# step fails, its logs (and ctest's) are kept in that directory's last-failure/.
# FRESH_MIRROR overrides the mirror (default: the host's first Debian URI).
# The host's extra CA certificates (/usr/local/share/ca-certificates) and its
# CA-bundle variables (SSL_CERT_FILE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS, ...)
# are carried in, so the registries are trusted as on the host.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache_dir=${FRESH_CACHE_DIR:-$HOME/.cache/upload-token-gateway}
base_tar=$cache_dir/bookworm-minbase.tar
port=50051

say() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)" >&2; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# chroot and mount need root; -E keeps the CA-bundle variables.
[ "$(id -u)" -eq 0 ] || exec sudo -E "$0" "$@"
command -v debootstrap >/dev/null ||
  { echo "test-fresh: no debootstrap (scripts/install-deps.sh fresh)" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "test-fresh: port $port is in use on this machine; make run needs it" >&2
  exit 1
fi

mirror=${FRESH_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' \
  /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d /var/tmp/test-fresh.XXXXXX)
chroot_dir=$work/root
mounted=()
run_pid=""

# Every process whose root is the chroot: what make run and the tests left.
chroot_pids() {
  local link pid
  for link in /proc/[0-9]*/root; do
    pid=${link#/proc/}
    pid=${pid%/root}
    [ "$(readlink "$link" 2>/dev/null)" = "$chroot_dir" ] && echo "$pid"
  done
  return 0
}

cleanup() {
  local status=$? pids
  set +e
  if [ -n "$run_pid" ]; then kill -TERM -- "-$run_pid" 2>/dev/null; fi
  for signal in TERM KILL; do
    pids=$(chroot_pids)
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086  # a list of pids
    kill -"$signal" $pids 2>/dev/null
    sleep 2
  done
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[i]}" 2>/dev/null || umount -R -l "${mounted[i]}"
  done
  if [ "$status" -ne 0 ]; then
    # The chroot goes; what explains the failure stays.
    local kept=$cache_dir/last-failure
    rm -rf "$kept" && mkdir -p "$kept"
    cp "$work"/*.log "$kept/" 2>/dev/null
    cp "$chroot_dir"/root/upload-token-gateway/build/Testing/Temporary/LastTest*.log "$kept/" \
      2>/dev/null
    echo "test-fresh: logs kept in $kept" >&2
  fi
  if findmnt -rn -o TARGET | grep -q "^$work"; then
    echo "test-fresh: something is still mounted under $work; not removing it" >&2
    exit 1
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$(date +%s)
if [ ! -f "$base_tar" ]; then
  say "debootstrap --variant=minbase bookworm from $mirror (cached afterwards)"
  mkdir -p "$cache_dir"
  debootstrap --variant=minbase --include=git,make,ca-certificates \
    bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$work/base" -cf "$base_tar.partial" . && mv "$base_tar.partial" "$base_tar"
  rm -rf "$work/base"
fi
mkdir -p "$chroot_dir"
tar -C "$chroot_dir" -xf "$base_tar"
echo "base ready in $(elapsed "$start")" >&2

# What a freshly installed machine would have from its installer: the
# archive it was installed from, name resolution, and the site's CAs.
# The host's archives (bookworm-updates and security too, so that packages
# come in the versions the host has), else debootstrap's sources.list.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$chroot_dir/etc/apt/sources.list.d/"
  rm -f "$chroot_dir/etc/apt/sources.list"
fi
cp -L /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$chroot_dir/usr/local/share/ca-certificates/"
fi
# No init system runs in a chroot: packages must not try to start services
# (redis-server's); the tests start their own.
printf '#!/bin/sh\nexit 101\n' >"$chroot_dir/usr/sbin/policy-rc.d"
chmod +x "$chroot_dir/usr/sbin/policy-rc.d"

mount -t proc proc "$chroot_dir/proc"
mounted+=("$chroot_dir/proc")
# /dev with what is mounted under it (/dev/pts, /dev/shm); a slave, so that
# unmounting it here never unmounts anything of the host's.
mount --rbind /dev "$chroot_dir/dev"
mounted+=("$chroot_dir/dev")
mount --make-rslave "$chroot_dir/dev"

carried_env=(HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  DEBIAN_FRONTEND=noninteractive)
for name in SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE REQUESTS_CA_BUNDLE NODE_EXTRA_CA_CERTS \
    GIT_SSL_CAINFO; do
  [ -n "${!name:-}" ] && carried_env+=("$name=${!name}")
done
in_chroot() {
  chroot "$chroot_dir" /usr/bin/env -i "${carried_env[@]}" /bin/bash -c "$1"
}
in_chroot 'update-ca-certificates >/dev/null'

git clone -q "$root" "$chroot_dir/root/upload-token-gateway"
echo "clone of $(git -C "$root" rev-parse --short HEAD) (committed work only)" >&2

say "make test"
step=$(date +%s)
in_chroot 'cd /root/upload-token-gateway && make test' >"$work/make-test.log" 2>&1 ||
  { tail -n 80 "$work/make-test.log" >&2; echo "test-fresh: make test failed" >&2; exit 1; }
grep -E 'tests passed|tests failed' "$work/make-test.log" >&2 || true
make_test_time=$(elapsed "$step")
echo "make test passed in $make_test_time" >&2

say "make run, then a CreateUploadToken from outside the chroot"
step=$(date +%s)
setsid chroot "$chroot_dir" /usr/bin/env -i "${carried_env[@]}" /bin/bash -c \
  'cd /root/upload-token-gateway && exec make run' >"$work/make-run.log" 2>&1 &
run_pid=$!
# The host's Python client, not the chroot's: the call comes from outside.
created=""
for _ in $(seq 1 120); do
  created=$(PYTHONPATH="$root/clients/python" /usr/bin/python3 - "$port" <<'PY' 2>/dev/null || true
import sys
import grpc
from upload_token_gateway_client.v1 import upload_tokens_pb2 as pb
from upload_token_gateway_client.v1 import upload_tokens_pb2_grpc as pb_grpc
with grpc.insecure_channel(f"localhost:{sys.argv[1]}") as channel:
    token = pb_grpc.UploadTokenServiceStub(channel).CreateUploadToken(
        pb.CreateUploadTokenRequest(ttl=60), timeout=5)
    print(token.token)
PY
)
  [ -n "$created" ] && break
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 1
done
if [ -z "$created" ]; then
  tail -n 40 "$work/make-run.log" >&2
  echo "test-fresh: make run did not serve a CreateUploadToken on port $port" >&2
  exit 1
fi
echo "make run served CreateUploadToken ($created) $(elapsed "$step") after it started" >&2

say "stopping what was started"
kill -INT -- "-$run_pid" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true
run_pid=""
echo "test-fresh: passed in $(elapsed "$start") (make test: $make_test_time)" >&2
