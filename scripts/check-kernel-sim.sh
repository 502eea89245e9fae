#!/usr/bin/env bash
# Builds and runs the kernel simulator's own checks, with AddressSanitizer and UBSan, into the
# given folder: native/sim/check_sim.cpp (the CUDA language as the kernels use it) and
# native/sim/check_libraries.cpp (the device, cuBLAS and cuSOLVER stand-ins).
# Exit status: the number of failed checks.
set -euo pipefail
out=${1:?usage: check-kernel-sim.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$out"
sim="$here/native/sim"
failed=0
for check in check_sim check_libraries; do
  g++ -std=c++17 -O1 -g -Wall -Wextra -fsanitize=address,undefined -include cuda_runtime.h -I"$sim" \
    "$sim/$check.cpp" "$sim"/{runtime,device,cublas,cusolver}.cpp -o "$out/$check"
  "$out/$check" | grep -v "^PASS" || failed=$((failed + $?))
done
exit "$failed"
