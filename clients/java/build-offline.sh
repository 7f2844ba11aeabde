#!/usr/bin/env bash
# Compiles the generated sources, the helpers and the example offline with
# javac against Debian's jars in /usr/share/java (libgrpc-java,
# libprotobuf-java, libnetty-java, libperfmark-java, libgoogle-gson-java,
# libgeronimo-annotation-1.3-spec-java, libguava-java).
#   clients/java/build-offline.sh OUT_DIR      classes in OUT_DIR/classes
#   clients/java/build-offline.sh --classpath  prints the jars' classpath
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jars=(grpc-api grpc-core grpc-stub grpc-protobuf grpc-protobuf-lite grpc-context
  grpc-netty protobuf guava failureaccess perfmark-api gson jsr305
  error_prone_annotations geronimo-annotation-1.3-spec
  netty-buffer netty-codec netty-codec-http netty-codec-http2 netty-common
  netty-handler netty-resolver netty-transport netty-handler-proxy
  netty-codec-socks netty-transport-native-unix-common)
classpath=""
for jar in "${jars[@]}"; do
  if [ -f "/usr/share/java/$jar.jar" ]; then
    classpath+="${classpath:+:}/usr/share/java/$jar.jar"
  elif [ "$jar" != failureaccess ]; then
    echo "build-offline: /usr/share/java/$jar.jar is missing (scripts/install-deps.sh)" >&2
    exit 1
  fi
done
if [ "${1:-}" = --classpath ]; then
  echo "$classpath"
  exit 0
fi
out=${1:?usage: build-offline.sh OUT_DIR | --classpath}
mkdir -p "$out/classes"
find "$here/src/generated/java" "$here/src/main/java" "$here/src/example/java" \
  -name '*.java' > "$out/sources.txt"
javac -nowarn -encoding UTF-8 -d "$out/classes" -cp "$classpath" @"$out/sources.txt"
