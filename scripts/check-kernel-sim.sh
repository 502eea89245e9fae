#!/usr/bin/env bash
# Builds and runs the kernel simulator's own checks (native/sim/check_sim.cpp), with
# AddressSanitizer and UBSan, into the given folder. Exit status: the number of failed checks.
set -euo pipefail
out=${1:?usage: check-kernel-sim.sh OUTDIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mkdir -p "$out"
g++ -std=c++17 -O1 -g -Wall -Wextra -fsanitize=address,undefined -include cuda_runtime.h -I"$here/native/sim" \
  "$here/native/sim/check_sim.cpp" "$here/native/sim/runtime.cpp" -o "$out/check_sim"
"$out/check_sim" | grep -v "^PASS"
