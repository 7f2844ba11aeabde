#!/usr/bin/env bash
# Installs, from Debian 12's own archive, whatever the build and tests need
# and the machine lacks. Quick and silent when everything is there.
# Usage: scripts/install-deps.sh [--list] [bazel|bench|fuzz|fresh]
#   --list: print the packages, one a line, and install nothing
#     (scripts/check_system_files.py reads them), nodejs and npm included.
#   bazel: also Debian's Bazel 4.2.3 and the rules it needs (make test-bazel).
#   fuzz: also clang 14, its libFuzzer and sanitizer runtimes, clang-tidy and
#     clang-format (make fuzz, make tidy, make format-check).
#   bench: also what make bench and make bench-smoke run (bench/README.md).
#   fresh: also debootstrap, for make test-fresh (scripts/test-fresh.sh).
set -euo pipefail

list=false
if [ "${1:-}" = --list ]; then
  list=true
  shift
fi

packages=(
  # C++ toolchain and build
  build-essential cmake pkg-config
  # gRPC, Protobuf, Abseil, libcurl (OpenSSL), GoogleTest
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc libprotobuf-dev
  protobuf-compiler libabsl-dev libcurl4-openssl-dev libssl-dev
  libgtest-dev libgmock-dev
  # Prometheus metrics: prometheus-cpp's core (registry, families, text
  # format); the gateway serves /metrics itself, so not its pull Exposer
  prometheus-cpp-dev
  # health.proto and reflection.proto; google/rpc/*.proto
  grpc-proto golang-github-gogo-googleapis-dev
  # the api.video emulator is Go (standard library only)
  golang-go
  # test certificates, CA bundle
  openssl ca-certificates
  # nghttpd, the real HTTP/2 server the HTTP/2 upstream tests run against
  nghttp2-server
  # gateway/redis: hiredis's async API on libevent; the real redis-server
  # its tests (and the integration tests of sharing) run against
  redis-server libhiredis-dev libevent-dev
  # the gateway binary's malloc (gateway/app/CMakeLists.txt)
  libjemalloc-dev
  # deploy/check_deploy.py reads the Kubernetes manifests
  python3-yaml
  # the generated clients (clients/, make clients) and their example tests:
  # Go (grpc-go marshals the generated APIv2 messages only with
  # github.com/golang/protobuf 1.5, not the 1.3 it would pull in)
  protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
  golang-google-genproto-dev golang-github-golang-protobuf-1-5-dev
  # the generated code imports google.golang.org/protobuf itself (which only
  # golang-github-golang-protobuf-1-5-dev pulls in otherwise)
  golang-google-protobuf-dev
  # Python, for /usr/bin/python3; the client's wheel is built (pip wheel,
  # setuptools) and installed into a throwaway venv by clients_python_package
  python3-grpcio python3-protobuf python3-pip python3-setuptools python3-wheel
  python3-venv
  # Java: grpc-java with the netty transport, javac, and protoc's grpc-java
  # plugin (clients_generated_up_to_date regenerates the Java stubs)
  default-jdk-headless libgrpc-java libprotobuf-java libnetty-java
  libperfmark-java libgoogle-gson-java libgeronimo-annotation-1.3-spec-java
  protobuf-compiler-grpc-java-plugin
  # grpc-java needs Guava (com.google.common), but Debian's libgrpc-java does
  # not depend on libguava-java: without it the Java client fails to build
  # (it brings jsr305 and error_prone_annotations, also on the classpath)
  libguava-java
  # the Java client declares proto-google-common-protos (com.google.rpc);
  # its test needs netty-tcnative for TLS (Debian's netty has no ALPN)
  libgoogle-common-protos-java libnetty-tcnative-java libnetty-tcnative-jni
  # Ruby: the gem's declared dependencies, as Debian packages them
  ruby ruby-grpc ruby-google-protobuf ruby-googleapis-common-protos-types
)
if [ "${1:-}" = bazel ]; then
  packages+=(bazel-bootstrap bazel-platforms bazel-skylib bazel-rules-java)
fi
if [ "${1:-}" = fuzz ]; then
  packages+=(clang-14 clang libclang-rt-14-dev clang-tidy clang-format)
fi
if [ "${1:-}" = fresh ]; then
  packages+=(debootstrap)
fi
if [ "${1:-}" = bench ]; then
  # h2load and nghttp, nginx (a yardstick), Google Benchmark, profilers.
  packages+=(nghttp2-client nginx-light libbenchmark-dev linux-perf valgrind)
fi

if $list; then
  # nodejs and npm too: installed below when no node is on PATH.
  printf '%s\n' "${packages[@]}" nodejs npm
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
# Node.js runs the official api.video client against the emulator. Any
# node >= 18 on PATH will do (this machine may have a newer one than Debian's).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing missing Debian packages: ${missing[*]}"
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
  install -y -qq "${missing[@]}"
