#!/usr/bin/env bash
# Builds the Java client's Maven artifact offline (scripts/build-client-packages.sh
# runs it): javac and jar against Debian's jars, no network, no Maven.
#   clients/java/build-package.sh OUT_DIR
#       OUT_DIR/upload-token-gateway-client-1.0.0.jar          classes + META-INF/maven POM
#       OUT_DIR/upload-token-gateway-client-1.0.0-sources.jar
#       OUT_DIR/upload-token-gateway-client-1.0.0.pom          the POM (pom.xml)
#   clients/java/build-package.sh --classpath
#       prints every Debian jar the build and its users' programs use: the
#       POM's dependencies (and theirs) at run time, plus the provided
#       annotations, resolved to Debian's /usr/share/maven-repo by
#       tools/DebianClasspath.java (the jar compiles against their compile
#       scope). Fails naming an artifact Debian lacks.
# Debian packages: default-jdk-headless, libgrpc-java, libprotobuf-java,
# libgoogle-common-protos-java, libguava-java, libnetty-java, libperfmark-java,
# libgoogle-gson-java, libgeronimo-annotation-1.3-spec-java.
# The generated code is the committed src/generated/java (generate.sh);
# scripts/check-clients.sh keeps it current.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
group=internal.uploadtokengateway
artifact=upload-token-gateway-client
version=1.0.0

if [ "${1:-}" = --classpath ]; then
  exec java "$here/tools/DebianClasspath.java" --provided "$here/pom.xml"
fi
out=${1:?usage: build-package.sh OUT_DIR | --classpath}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cp=$(java "$here/tools/DebianClasspath.java" --compile --provided "$here/pom.xml")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes/META-INF/maven/$group/$artifact"
find "$here/src/generated/java" "$here/src/main/java" -name '*.java' | sort >"$work/sources.txt"
# --release 11: the oldest JDK the helpers are written for.
javac --release 11 -encoding UTF-8 -Xlint:all,-processing,-serial,-options -Werror \
  -implicit:none -d "$work/classes" -cp "$cp" @"$work/sources.txt"
cp "$here/pom.xml" "$work/classes/META-INF/maven/$group/$artifact/pom.xml"
printf 'groupId=%s\nartifactId=%s\nversion=%s\n' "$group" "$artifact" "$version" \
  >"$work/classes/META-INF/maven/$group/$artifact/pom.properties"
printf 'Automatic-Module-Name: %s.client\n' "$group" >"$work/manifest.txt"
# Fixed timestamps: the same sources give the same jar.
jar --create --file "$out/$artifact-$version.jar" --manifest "$work/manifest.txt" \
  --date=2000-01-01T00:00:00Z -C "$work/classes" .
jar --create --file "$out/$artifact-$version-sources.jar" --no-manifest \
  --date=2000-01-01T00:00:00Z -C "$here/src/generated/java" . -C "$here/src/main/java" .
cp "$here/pom.xml" "$out/$artifact-$version.pom"
