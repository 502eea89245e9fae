#!/usr/bin/env bash
# On the device machine: geomlens (CUDA) and the torch.func baseline on the same three models in
# one run. The models are defined in PyTorch and exported with torch.onnx.export, so our importer
# reads genuine torch exports. Prints the table with ratios and writes rows for
# benchmarks/RESULTS.md to $OUT/RESULTS-rows.md. Needs device/ (scripts/device-bundle.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${BENCH_SECONDS:-3}
source scripts/device-env.sh
work=$out/bench
mkdir -p "$work"
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader
(cd benchmarks/torch && python3 models.py "$work")
(cd benchmarks/torch && python3 baseline.py "$work" --seconds "$seconds")
for m in mlp conv dcgan; do
  geomlens bench --model "$work/$m.onnx" --backend cuda --batch 64 --seconds "$seconds" \
    --only exact,projected,delta,lanczos --json "$work/$m-geomlens.json"
  geomlens describe --model "$work/$m.onnx" --backend cuda --latents "$work/$m-z.npy" --route exact --no-delta \
    --out "$work/$m-ours.npy"
done
python3 benchmarks/torch/report.py "$work" "scripts/bench-vs-torch.sh (BENCH_SECONDS=$seconds)"
