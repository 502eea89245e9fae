#!/usr/bin/env bash
# The project's test command (README "Run the tests"; .ci/run calls exactly this).
# 1. Compiles the CUDA library with nvcc when a CUDA toolkit is present (no GPU needed).
# 2. Builds and tests all Maven modules; GPU tests are reported as skipped without a GPU.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if [[ -f CMakeLists.txt ]] && command -v cmake >/dev/null; then
  if command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]]; then
    echo "== compiling the CUDA sources (nvcc found)"
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >build-cmake.log 2>&1 || { cat build-cmake.log; exit 1; }
    grep "^-- geomlens:" build-cmake.log || true
    cmake --build build -j"$(nproc)" 2>&1 | tail -n 20
  else
    echo "== no CUDA toolkit: skipping the native build"
  fi
fi
echo "== mvn -B verify (JAVA_HOME=$JAVA_HOME)"
mvn -B verify
