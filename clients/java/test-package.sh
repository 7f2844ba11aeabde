#!/usr/bin/env bash
# Tests the Java client as another repository takes it up (ctest
# clients_java_package, under clients/testing/with-gateway.sh --tls
# --replicas 2): builds the jar and POM (build-package.sh), installs them into
# a Maven repository of a throwaway project in a temporary directory outside
# the tree, whose POM depends on internal.uploadtokengateway:
# upload-token-gateway-client:1.0.0 only; resolves that POM's dependencies,
# and through the client's POM theirs, to Debian's jars
# (tools/DebianClasspath.java: a dependency the client's POM does not declare
# is not on the classpath); then compiles and runs, against those alone:
#   - the unit tests (src/test/java: the helpers against an in-process fake);
#   - the project's program (examples/Example.java) against GATEWAY_TARGET
#     over mTLS with the caller token, two replicas behind one DNS name.
# grpc-java 1.41's DNS resolver takes no DNS server from the target, so the
# program gets dns:///$GATEWAY_HOST:$GATEWAY_PORT and the JVM reads the name
# from $GATEWAY_HOSTS_FILE (-Djdk.net.hosts.file).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${GATEWAY_TARGET:?run under clients/testing/with-gateway.sh --tls --replicas 2}"
group=internal.uploadtokengateway
artifact=upload-token-gateway-client
version=1.0.0

build=$(mktemp -d)
project=$(mktemp -d)
trap 'rm -rf "$build" "$project"' EXIT

"$here/build-package.sh" "$build"
if jar tf "$build/$artifact-$version.jar" | grep -E '^(com/)?google/' >&2; then
  echo "test-package: the jar bundles google classes (above)" >&2
  exit 1
fi

# The throwaway project: its own Maven repository with the client in it, a
# POM that depends on the client, and the program.
installed=$project/repo/${group//.//}/$artifact/$version
mkdir -p "$installed" "$project/src" "$project/test" "$project/classes" "$project/test-classes"
cp "$build/$artifact-$version.jar" "$build/$artifact-$version.pom" "$installed/"
cat >"$project/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>uses-upload-token-gateway</artifactId>
  <version>0.0.1</version>
  <dependencies>
    <dependency>
      <groupId>$group</groupId>
      <artifactId>$artifact</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
POM
cp "$here/examples/Example.java" "$project/src/"
cp -r "$here/src/test/java/." "$project/test/"

resolve() {
  java "$here/tools/DebianClasspath.java" --repo "$project/repo" "$@" "$project/pom.xml"
}
compile_cp=$(resolve --compile)
run_cp=$(resolve)
case ":$run_cp:" in
  *":$installed/$artifact-$version.jar:"*) ;;
  *) echo "test-package: the client's jar is not on the resolved classpath" >&2; exit 1 ;;
esac

cd "$project"
javac -encoding UTF-8 -d classes -cp "$compile_cp" src/Example.java
# The unit tests use grpc-core's in-process transport, a run-time dependency.
find test -name '*.java' >test-sources.txt
javac -encoding UTF-8 -d test-classes -cp "$run_cp" @test-sources.txt
java -cp "test-classes:$run_cp" internal.uploadtokengateway.client.UploadTokenClientTest

# TLS needs ALPN (h2). Debian's netty (libnetty-java 4.1.48) ships without
# its JDK ALPN support (no JdkAlpnApplicationProtocolNegotiator), which Maven
# Central's netty has; here netty gets ALPN from OpenSSL instead, through
# Debian's netty-tcnative (libnetty-tcnative-java, libnetty-tcnative-jni): its
# jar beside the program, and its JNI library under the name netty loads. The
# library checks its own file name, hence a copy rather than a link. Neither is
# a dependency of the client.
tcnative_jar=/usr/share/java/netty-tcnative.jar
tcnative_so=$(dpkg -L libnetty-tcnative-jni 2>/dev/null | grep '/libnetty-tcnative\.so$' || true)
if [ ! -f "$tcnative_jar" ] || [ -z "$tcnative_so" ]; then
  echo "test-package: install libnetty-tcnative-java and libnetty-tcnative-jni" \
    "(Debian's netty has no JDK ALPN for TLS)" >&2
  exit 1
fi
mkdir -p native
cp "$tcnative_so" native/libnetty_tcnative.so
jvm=(java -Djava.library.path="$project/native" -cp "classes:$run_cp:$tcnative_jar")
if [ -n "${GATEWAY_HOSTS_FILE:-}" ]; then
  export GATEWAY_TARGET="dns:///$GATEWAY_HOST:$GATEWAY_PORT"
  jvm+=("-Djdk.net.hosts.file=$GATEWAY_HOSTS_FILE")
fi
"${jvm[@]}" Example
