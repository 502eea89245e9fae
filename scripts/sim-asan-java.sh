#!/usr/bin/env bash
# Runs the CUDA backend's test suite on the kernel simulator built with AddressSanitizer: a kernel
# that reads or writes outside its buffers, with the sizes and strides the Java side computed,
# stops the run with the kernel's file and line. Blocks and threads run last to first here
# (GEOMLENS_SIM_ORDER=reverse), the other order from the plain run in mvn verify, so a result that
# depends on the schedule fails one of the two. Run after mvn verify (needs the test classes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
if ! command -v g++ >/dev/null || [[ $(uname -m) != x86_64 ]]; then
  echo "sim-asan-java: needs g++ on x86-64; skipped"
  exit 0
fi
lib=build/sim-asan/libgeomlens_sim.so
if [[ ! -f $lib ]]; then
  GEOMLENS_SIM_FLAGS="-O1 -fsanitize=address -fno-omit-frame-pointer" bash scripts/build-kernel-sim.sh build/sim-asan
fi
# java links no libstdc++, so it is preloaded with ASan for ASan's interceptors to find it; the
# JVM handles SIGSEGV itself (handle_segv=0); leaks are the JVM's business (detect_leaks=0).
export GEOMLENS_SIM_ORDER=reverse
export ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:use_sigaltstack=0
export LD_PRELOAD="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libstdc++.so)"
log=$(mktemp)
status=0
mvn -B -pl java-bindings -Dtest=CudaBackendTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.reportNameSuffix=kernel-simulator-asan -Dgeomlens.library.path="$PWD/$lib" surefire:test >"$log" 2>&1 ||
  status=$?
grep -E "Tests run:|AddressSanitizer|^    #[0-9] |ERROR|BUILD" "$log" || true
rm -f "$log"
exit "$status"
