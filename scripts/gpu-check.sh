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

# torch_exports DIR: fixtures.py's exports into DIR (DIR/exported.txt lists those that exported),
# then the CPU and CUDA suites on them against torch's float64 references; junit log in DIR.junit.log.
torch_exports() {
  mkdir -p "$1"
  (cd benchmarks/torch && python3 fixtures.py "$1") >"$1.log" 2>&1 || { tail -n 20 "$1.log"; return 1; }
  grep -E "exporter failed" "$1.log"
  if [[ ! -s "$1/exported.txt" ]] || ! grep -q . "$1/exported.txt"; then
    echo "no model exported: see $1.log"
    return 1
  fi
  "$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector -Dgeomlens.library.path="$lib" \
    -Dgeomlens.torchExports="$1" -jar device/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp" --select-class io.geomlens.onnx.TorchExportsTest \
    --select-method "io.geomlens.cuda.CudaBackendTest#torchExportsMatchTorch(java.lang.String)" \
    --details=summary --disable-banner 2>&1 | tee "$1.junit.log"
  return "${PIPESTATUS[0]}"
}

step "Genuine exports from this machine's torch (benchmarks/torch/fixtures.py) against torch float64"
if python3 -c "import torch, onnx" 2>/dev/null; then
  torch_exports "$out/torch-exports" || status=1
  step "The same through torch.onnx.export(dynamo=True), torch 2.9's default (weights in .data files)"
  # A model the dynamo exporter cannot export is torch's limit: listed, not counted as a failure.
  if python3 -c "import inspect, torch; assert 'dynamo' in inspect.signature(torch.onnx.export).parameters" \
      2>/dev/null; then
    GEOMLENS_EXPORTER=dynamo torch_exports "$out/torch-exports-dynamo" || status=1
  else
    echo "this torch has no dynamo exporter (torch < 2.5): skipped"
  fi
else
  echo "no torch + onnx for python3 here: skipped"
fi

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
for e in torch-exports torch-exports-dynamo; do
  [[ -f "$out/$e.junit.log" ]] && { echo "$e ($(grep -c . "$out/$e/exported.txt") models):"
    grep -E "tests (successful|failed)" "$out/$e.junit.log"; }
done
mode=""
[[ "${GEOMLENS_EMULATE:-0}" == 1 ]] && mode=" on the KERNEL SIMULATOR: a dry run of this script, not a GPU result"
echo "gpu-check: $([[ $status -eq 0 ]] && echo PASSED || echo FAILED)$mode ($(date -u +%Y-%m-%dT%H:%MZ))"
exit $status
