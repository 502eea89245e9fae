# Sourced by the device-machine scripts: unpacks the carried Java runtime and builds
# libgeomlens.so with CMake. Sets: java (path), lib (path), out (log folder), geomlens (CLI function).
out=${OUT:-/tmp/geomlens-device}
mkdir -p "$out"
if [[ ! -f device/jre25.tar.xz ]]; then
  echo "device/ bundle missing; run scripts/device-bundle.sh where Java is, and carry device/" >&2
  exit 2
fi
rm -rf /tmp/geomlens-jre && mkdir -p /tmp/geomlens-jre && tar xJf device/jre25.tar.xz -C /tmp/geomlens-jre
java=/tmp/geomlens-jre/jre25/bin/java
if [[ "${GEOMLENS_EMULATE:-0}" == 1 ]]; then
  # Dry run of the device scripts without a GPU: the kernel simulator (libgeomlens's own code on
  # the host, stand-ins for the CUDA runtime, cuBLAS and cuSOLVER) takes the CUDA build's place.
  echo "device-env: GEOMLENS_EMULATE=1, using the kernel simulator instead of a CUDA build (no GPU result)"
  # Its "device" memory is this host's RAM: small chunks of latents per call.
  export GEOMLENS_JAVA_OPTS="${GEOMLENS_JAVA_OPTS:-} -Dgeomlens.deviceChunk=2"
  mkdir -p build-gpu
  bash scripts/build-kernel-sim.sh build-gpu/sim >/dev/null
  cp build-gpu/sim/libgeomlens_sim.so build-gpu/libgeomlens.so
  cuda=${CUDA_HOME:-/usr/local/cuda}
  g++ -std=c++17 -O1 -I"$cuda/include" -Inative/include kernels/check/check_kernels.cpp -Lbuild-gpu -lgeomlens \
    -L"$cuda/lib64" -lcudart -Wl,-rpath,"$PWD/build-gpu:$cuda/lib64" -o build-gpu/check_kernels
else
  cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DGEOMLENS_KERNEL_CHECKS=ON >"$out/cmake-configure.log" 2>&1 \
    || { cat "$out/cmake-configure.log"; exit 1; }
  cmake --build build-gpu -j"$(nproc)" >"$out/cmake-build.log" 2>&1 || { tail -n 40 "$out/cmake-build.log"; exit 1; }
fi
lib=$PWD/build-gpu/libgeomlens.so
[[ -f "$lib" ]] || { echo "libgeomlens.so was not built: see $out/cmake-build.log" >&2; exit 1; }
geomlens() {
  # shellcheck disable=SC2086
  "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector ${GEOMLENS_JAVA_OPTS:-} \
    -Dgeomlens.library.path="$lib" -jar device/geomlens.jar "$@"
}
