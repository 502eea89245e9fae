#!/usr/bin/env bash
# Builds libgeomlens_host.so, the host emulation of libgeomlens's C ABI (native/host), into the
# given folder, so the CUDA backend's Java side is tested in CI without a GPU. No g++: skipped,
# and the emulation tests report as skipped.
set -euo pipefail
out=${1:?usage: build-host-emulation.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v g++ >/dev/null; then
  echo "geomlens: no g++, host emulation of libgeomlens not built"
  exit 0
fi
mkdir -p "$out"
g++ -std=c++17 -O2 -Wall -Wextra -shared -fPIC -fvisibility=hidden -I"$here/native/include" -I"$here/native/src" \
  "$here/native/host/emulation.cpp" "$here/native/src/errors.cpp" -o "$out/libgeomlens_host.so"
