#!/usr/bin/env bash
# Builds libgeomlens_sim.so into the given folder: all of libgeomlens's own code (the CUDA kernels
# of kernels/*.cu and the C ABI of native/src: context, memory pool, cuBLAS/cuSOLVER glue)
# compiled for the host by g++ against the kernel simulator (native/sim), which stands in for
# the CUDA runtime, cuBLAS and cuSOLVER. So that code runs in CI without a GPU, checked by the
# kernel harness and the CUDA test suite. Each launch `k<<<cfg>>>(args)` becomes a simulator
# call; files whose kernels meet at barriers (__syncthreads, warp shuffles) run their blocks as
# fibers. x86-64 and g++ only.
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
    sed -E "s/([A-Za-z_][A-Za-z0-9_:]*(<[^<>]*>)?)<<<(.*)>>>\(/::sim::launcher(::sim::Config(\3), $coop, \"\1\", __FILE__, __LINE__, [\&](auto\&\&... a_) { \1(a_...); })(/" "$f"
  } >"$out/sim-src/$name.cpp"
  if grep -q '<<<' "$out/sim-src/$name.cpp"; then
    echo "build-kernel-sim: a launch in kernels/$name.cu was not rewritten (keep '<<<...>>>(' on one line)" >&2
    exit 1
  fi
done
# GEOMLENS_SIM_FLAGS: extra g++ flags, e.g. -fsanitize=address to catch out-of-bounds accesses.
read -r -a extra <<<"${GEOMLENS_SIM_FLAGS:-}"
flags=(-std=c++17 -O2 -g -fPIC -fvisibility=hidden -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare "${extra[@]}")
# -include: nvcc includes cuda_runtime.h in every .cu by itself. native/sim comes first on the
# include path: its cuda_runtime.h, cublas_v2.h and cusolverDn.h are the ones compiled against.
# One g++ per source, in parallel; a failed compile fails the build.
mkdir -p "$out/obj"
pids=()
objs=()
for src in "$out"/sim-src/*.cpp "$here"/native/src/{context,blas,errors}.cpp "$here"/native/sim/{runtime,device,cublas,cusolver}.cpp; do
  obj="$out/obj/$(basename "$(dirname "$src")")-$(basename "$src" .cpp).o"
  g++ "${flags[@]}" -include cuda_runtime.h -I"$here/native/sim" -I"$here/native/include" -I"$here/native/src" \
    -I"$here/kernels" -c "$src" -o "$obj" &
  pids+=($!)
  objs+=("$obj")
done
for pid in "${pids[@]}"; do wait "$pid"; done
g++ "${flags[@]}" -shared "${objs[@]}" -o "$out/libgeomlens_sim.so"
