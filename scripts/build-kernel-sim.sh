#!/usr/bin/env bash
# Builds libgeomlens_sim.so into the given folder: the CUDA kernels of kernels/*.cu compiled for
# the host by g++ through the kernel simulator (native/sim), with every other entry point (context,
# memory, GEMM, eigen-solver: cuBLAS/cuSOLVER's part) from the host emulation (native/host).
# So the kernels' own code runs in CI without a GPU, checked by the kernel harness and the CUDA
# test suite. Each launch `k<<<cfg>>>(args)` becomes a simulator call; files whose kernels meet
# at barriers (__syncthreads, warp shuffles) run their blocks as fibers. x86-64 and g++ only.
set -euo pipefail
out=${1:?usage: build-kernel-sim.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v g++ >/dev/null || [[ $(uname -m) != x86_64 ]]; then
  echo "geomlens: kernel simulator needs g++ on x86-64; not built"
  exit 0
fi
mkdir -p "$out/sim-src"
for f in "$here"/kernels/*.cu; do
  name=$(basename "$f" .cu)
  coop=false
  if grep -qE '__syncthreads|__shfl|block_reduce|block_sum' "$f"; then coop=true; fi
  {
    echo "#line 1 \"kernels/$name.cu\""
    sed -E "s/([A-Za-z_][A-Za-z0-9_:]*(<[^<>]*>)?)<<<(.*)>>>\(/::sim::launcher(::sim::Config(\3), $coop, [\&](auto\&\&... a_) { \1(a_...); })(/" "$f"
  } >"$out/sim-src/$name.cpp"
  if grep -q '<<<' "$out/sim-src/$name.cpp"; then
    echo "build-kernel-sim: a launch in kernels/$name.cu was not rewritten (keep '<<<...>>>(' on one line)" >&2
    exit 1
  fi
done
# GEOMLENS_SIM_FLAGS: extra g++ flags, e.g. -fsanitize=address to catch out-of-bounds accesses.
read -r -a extra <<<"${GEOMLENS_SIM_FLAGS:-}"
flags=(-std=c++17 -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare "${extra[@]}")
g++ "${flags[@]}" -I"$here/native/include" -I"$here/native/src" -c "$here/native/host/emulation.cpp" \
  -o "$out/emulation.o"
# The real kernels' entry points (strong) take the place of the emulation's (made weak).
objcopy --weaken "$out/emulation.o"
# -include: nvcc includes cuda_runtime.h in every .cu by itself.
g++ "${flags[@]}" -shared -include cuda_runtime.h -I"$here/native/sim" -I"$here/native/include" -I"$here/native/src" -I"$here/kernels" \
  "$out"/sim-src/*.cpp "$here/native/sim/runtime.cpp" "$here/native/sim/identity.cpp" "$here/native/src/errors.cpp" "$out/emulation.o" \
  -o "$out/libgeomlens_sim.so"
