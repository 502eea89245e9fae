#!/usr/bin/env bash
# On a host with a GPU and the CUDA toolkit (the device machine; it has no Java): builds
# libgeomlens.so with CMake, runs the GPU test suite (CUDA backend vs the CPU backend on every op
# and on the descriptors), runs the CLI on the GPU, and prints a summary. Needs the device/
# bundle from scripts/device-bundle.sh, carried along. Writes logs under $OUT when set.
# GEOMLENS_EMULATE=1 dry-runs the whole script without a GPU (kernel simulator; no GPU result).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
step() { echo; echo "== $*"; }
status=0

step "GPU"
if [[ "${GEOMLENS_EMULATE:-0}" != 1 ]]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || status=1
  nvcc --version | tail -n 1
fi

step "Java runtime and native build (cmake)"
source scripts/device-env.sh
"$java" -version 2>&1 | head -n 1
ls -la "$lib"

step "Kernel checks (each kernel vs a CPU reference)"
build-gpu/check_kernels | tee "$out/kernels.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1

step "GPU test suite (JUnit, CUDA backend vs CPU backend)"
cp=$(ls device/lib/*.jar | tr '\n' ':')
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector -Dgeomlens.library.path="$lib" \
  -jar device/junit-platform-console-standalone-*.jar execute --class-path "$cp" \
  --select-class io.geomlens.cuda.CudaBackendTest \
  --details=tree --disable-banner 2>&1 | tee "$out/junit.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
# Here a skipped GPU test means the GPU path did not run: that is a failure, not a pass.
if grep -Eq "\[ +[1-9][0-9]* tests aborted" "$out/junit.log"; then
  echo "gpu-check: GPU tests were skipped (library or device unavailable): see the reasons above"
  status=1
fi

step "Genuine exports from this machine's torch (TorchScript exporter) against torch float64"
# The dynamo exporter's pass: bash scripts/torch-exports-check.sh dynamo (a call of its own: time).
bash scripts/torch-exports-check.sh torchscript || status=1

step "CLI on the GPU (psi, nu against the float64 CPU backend: 1e-3 + 1e-5 |ref|)"
geomlens zoo --kind vae --out "$out/vae.onnx" || status=1
latents=16
[[ "${GEOMLENS_EMULATE:-0}" == 1 ]] && latents=3  # the simulator's GEMMs are plain loops
for m in examples/demo-mlp.onnx "$out/vae.onnx"; do
  n=$(basename "$m" .onnx)
  geomlens describe --model "$m" --random "$latents" --seed 1 --backend cuda --out "$out/$n-gpu.csv" || status=1
  geomlens describe --model "$m" --random "$latents" --seed 1 --backend cpu64 --out "$out/$n-cpu64.csv" || status=1
  python3 - "$out/$n-gpu.csv" "$out/$n-cpu64.csv" <<'PY' || status=1
import csv, sys
gpu, ref = ([r for r in csv.DictReader(open(f))] for f in sys.argv[1:3])
worst = max(abs(float(g[c]) - float(r[c])) / (1e-3 + 1e-5 * abs(float(r[c])))
            for g, r in zip(gpu, ref) for c in ("psi", "nu"))
print(f"{sys.argv[1]}: {len(gpu)} latents, worst psi/nu error {worst:.3f} x tolerance")
sys.exit(0 if len(gpu) == len(ref) and worst <= 1 else 1)
PY
done
geomlens hessian --model examples/demo-mlp.onnx --random 8 --backend cuda --out "$out/demo-hessian.json" || status=1

step "Summary"
tail -n 1 "$out/kernels.log"
grep -E "tests (successful|failed|skipped|aborted)" "$out/junit.log" || true
[[ -f "$out/torch-exports-torchscript.junit.log" ]] && { echo "torch exports:"
  grep -E "tests (successful|failed)" "$out/torch-exports-torchscript.junit.log"; }
mode=""
[[ "${GEOMLENS_EMULATE:-0}" == 1 ]] && mode=" on the KERNEL SIMULATOR: a dry run of this script, not a GPU result"
echo "gpu-check: $([[ $status -eq 0 ]] && echo PASSED || echo FAILED)$mode ($(date -u +%Y-%m-%dT%H:%MZ))"
exit $status
