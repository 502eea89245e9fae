#!/usr/bin/env bash
# Prepares device/ (git-ignored) for scripts/gpu-check.sh on the GPU machine, which has no Java:
# a jlink'd Java 25 runtime (with java.desktop), the CLI jar, geomlens-core with its test classes and runtime
# dependencies, and the JUnit console launcher. ONNX Runtime (93 MB) stays out: the GPU tests
# compare against the CPU backend. Then carry device/ (it must stay under 64 MiB).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
junit=1.14.1

mvn -B -q install -DskipTests
rm -rf device && mkdir -p device/lib
# As ../shared/tools/device-jre.sh, plus jdk.incubator.vector (the CPU GEMM kernel) and java.desktop: the CLI's picture commands use java.awt.image
# and picocli loads every subcommand class at start-up, so without it no command runs.
tmp=$(mktemp -d)
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.unsupported,java.desktop,jdk.incubator.vector \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$tmp/jre25"
tar -C "$tmp" -cJf device/jre25.tar.xz jre25
rm -rf "$tmp"
mvn -B -q -pl java-bindings dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$PWD/device/lib" \
  -DexcludeArtifactIds=onnxruntime -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
cp java-bindings/target/geomlens-core-*.jar device/lib/
cp cli/target/geomlens.jar device/
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit \
  -DoutputDirectory="$PWD/device"
du -sh device
