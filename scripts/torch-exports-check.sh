#!/usr/bin/env bash
# Exports benchmarks/torch/fixtures.py's models with this machine's torch and runs the CPU and CUDA
# test suites on them against torch's float64 references (TorchExportsTest, CudaBackendTest#
# torchExportsMatchTorch). Argument: torchscript (default; torch.onnx.export(dynamo=False)) or
# dynamo (torch.onnx.export(dynamo=True), torch 2.9's default: opset 18+, weights in NAME.onnx.data).
# A model the dynamo exporter cannot export is listed, not counted. Needs python3 with torch and
# onnx, and the device/ bundle (scripts/device-bundle.sh). gpu-check.sh runs the torchscript pass;
# on the device machine run the dynamo pass as a call of its own (each call has 10 minutes).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exporter=${1:-torchscript}
[[ $exporter == torchscript || $exporter == dynamo ]] || { echo "usage: $0 [torchscript|dynamo]" >&2; exit 2; }
if ! python3 -c "import torch, onnx" 2>/dev/null; then
  echo "no torch + onnx for python3 here: skipped"
  exit 0
fi
if [[ $exporter == dynamo ]] &&
    ! python3 -c "import inspect, torch; assert 'dynamo' in inspect.signature(torch.onnx.export).parameters" 2>/dev/null
then
  echo "this torch has no dynamo exporter (torch < 2.5): skipped"
  exit 0
fi
source scripts/device-env.sh
cp=$(ls device/lib/*.jar | tr '\n' ':')
dir="$out/torch-exports-$exporter"
rm -rf "$dir" && mkdir -p "$dir"
env=()
[[ $exporter == dynamo ]] && env=(GEOMLENS_EXPORTER=dynamo)
(cd benchmarks/torch && env "${env[@]}" python3 fixtures.py "$dir") >"$dir.log" 2>&1 || { tail -n 20 "$dir.log"; exit 1; }
grep -E "exporter failed" "$dir.log"
if ! grep -q . "$dir/exported.txt" 2>/dev/null; then
  echo "no model exported: see $dir.log"
  exit 1
fi
echo "exported with torch $(python3 -c 'import torch; print(torch.__version__)') ($exporter): $(grep -c . "$dir/exported.txt") models"
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow --add-modules jdk.incubator.vector \
  -Dgeomlens.library.path="$lib" -Dgeomlens.torchExports="$dir" -jar device/junit-platform-console-standalone-*.jar \
  execute --class-path "$cp" --select-class io.geomlens.onnx.TorchExportsTest \
  --select-method "io.geomlens.cuda.CudaBackendTest#torchExportsMatchTorch(java.lang.String)" \
  --details=summary --disable-banner 2>&1 | tee "$dir.junit.log"
status=${PIPESTATUS[0]}
echo "torch-exports-check ($exporter): $(grep -E "tests (successful|failed)" "$dir.junit.log" | tr -s ' []' ' ' | paste -sd, | sed 's/^ //')"
exit "$status"
