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
cmake -S . -B build-gpu -DCMAKE_BUILD_TYPE=Release -DGEOMLENS_KERNEL_CHECKS=ON >"$out/cmake-configure.log" 2>&1 || { cat "$out/cmake-configure.log"; exit 1; }
cmake --build build-gpu -j"$(nproc)" >"$out/cmake-build.log" 2>&1 || { tail -n 40 "$out/cmake-build.log"; exit 1; }
lib=$PWD/build-gpu/libgeomlens.so
[[ -f "$lib" ]] || { echo "libgeomlens.so was not built: see $out/cmake-build.log" >&2; exit 1; }
geomlens() {
  "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
    -Dgeomlens.library.path="$lib" -jar device/geomlens.jar "$@"
}
