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
    # The kernel check harness judges the real kernels on a GPU (gpu-check.sh). Here it runs
    # against the host emulation (which checks the harness's own references) and against the
    # kernel simulator built with AddressSanitizer (the kernels' own code on host memory; an
    # out-of-bounds access fails the run with the kernel's file and line).
    cuda=${CUDA_HOME:-/usr/local/cuda}
    if command -v g++ >/dev/null && [[ -f "$cuda/lib64/libcudart.so" ]]; then
      harness() {  # harness OUTDIR LIB [g++ flags]
        g++ -std=c++17 -O1 "${@:3}" -I"$cuda/include" -Inative/include kernels/check/check_kernels.cpp \
          -L"$1" -l"$2" -L"$cuda/lib64" -lcudart -Wl,-rpath,"$PWD/$1:$cuda/lib64" -o "$1/check_kernels"
        "$1/check_kernels" | grep -v "^PASS"
      }
      echo "== kernel check harness against the host emulation"
      bash scripts/build-host-emulation.sh build/emulation >/dev/null
      harness build/emulation geomlens_host
      if [[ $(uname -m) == x86_64 ]]; then
        echo "== kernel simulator: its own checks, then the kernel check harness on the real kernels (ASan)"
        bash scripts/check-kernel-sim.sh build/sim-check
        GEOMLENS_SIM_FLAGS="-O1 -fsanitize=address -fno-omit-frame-pointer" \
          bash scripts/build-kernel-sim.sh build/sim-asan
        harness build/sim-asan geomlens_sim -fsanitize=address
        echo "== the same, blocks and threads run last to first (a result that depends on the order fails one)"
        GEOMLENS_SIM_ORDER=reverse build/sim-asan/check_kernels | grep -v "^PASS"
      fi
    fi
  else
    echo "== no CUDA toolkit: skipping the native build"
  fi
fi
echo "== mvn -B verify (JAVA_HOME=$JAVA_HOME)"
mvn -B verify
echo "== the CUDA test suite again, on the kernel simulator built with AddressSanitizer"
bash scripts/sim-asan-java.sh
