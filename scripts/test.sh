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
    # The kernel check harness judges the real kernels on a GPU (gpu-check.sh); here it runs
    # against the host emulation, which checks the harness's own references.
    cuda=${CUDA_HOME:-/usr/local/cuda}
    if command -v g++ >/dev/null && [[ -f "$cuda/lib64/libcudart.so" ]]; then
      echo "== kernel check harness against the host emulation"
      bash scripts/build-host-emulation.sh build/emulation >/dev/null
      g++ -std=c++17 -O1 -I"$cuda/include" -Inative/include kernels/check/check_kernels.cpp \
        -Lbuild/emulation -lgeomlens_host -L"$cuda/lib64" -lcudart \
        -Wl,-rpath,"$PWD/build/emulation:$cuda/lib64" -o build/emulation/check_kernels
      build/emulation/check_kernels | tail -n 1
    fi
  else
    echo "== no CUDA toolkit: skipping the native build"
  fi
fi
echo "== mvn -B verify (JAVA_HOME=$JAVA_HOME)"
mvn -B verify
