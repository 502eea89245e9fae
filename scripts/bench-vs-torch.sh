#!/usr/bin/env bash
# On the device machine: geomlens (CUDA) and the torch.func baseline on the same models in one
# run. The models are defined in PyTorch and exported with torch.onnx.export, so our importer
# reads genuine torch exports. Prints the table with ratios and writes rows for
# benchmarks/RESULTS.md to $OUT/RESULTS-rows.md, and per model a profile by op
# ($OUT/bench/MODEL-profile.txt). Needs device/ (scripts/device-bundle.sh).
# BENCH_MODELS picks models (default: mlp conv dcgan vae); BENCH_SECONDS the time per metric.
# A model that fails on either side is reported and skipped; the others still run.
# GEOMLENS_EMULATE=1: dry run without a GPU (kernel simulator, torch on the CPU; no result).
# BENCH_BACKEND=cpu: both sides on this host's CPU instead (geomlens' CPU backend through
# bin/geomlens, torch on the CPU, same threads available); needs Java here, not device/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${BENCH_SECONDS:-3}
models=${BENCH_MODELS:-mlp conv dcgan vae}
backend=${BENCH_BACKEND:-cuda}
torch_device=cuda
if [[ "$backend" == cpu ]]; then
  out=${OUT:-/tmp/geomlens-cpu-bench}
  geomlens() { bin/geomlens "$@"; }
  torch_device=cpu
  grep -m1 "model name" /proc/cpuinfo; echo "cores: $(nproc)"
else
  source scripts/device-env.sh
  if [[ "${GEOMLENS_EMULATE:-0}" == 1 ]]; then
    torch_device=cpu  # a dry run of this script: no number it prints is a GPU result
  else
    nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader
  fi
fi
work=$out/bench
mkdir -p "$work"
failed=""
for m in $models; do
  (cd benchmarks/torch && python3 models.py "$work" "$m") || failed+=" $m(export)"
done
# shellcheck disable=SC2086
(cd benchmarks/torch && python3 baseline.py "$work" --seconds "$seconds" --device "$torch_device" $models) || failed+=" baseline"
for m in $models; do
  [[ -f "$work/$m.onnx" ]] || continue
  batch=$(cd benchmarks/torch && python3 -c "from models import MODELS; print(MODELS['$m'][2])")
  geomlens bench --model "$work/$m.onnx" --backend "$backend" --batch "$batch" --seconds "$seconds" \
    --only exact,projected,delta,lanczos --json "$work/$m-geomlens.json" || failed+=" $m(bench)"
  # Where our time goes, op by op (bench --profile), for RESULTS.md where a target is missed.
  geomlens bench --model "$work/$m.onnx" --backend "$backend" --batch "$batch" --seconds 0.2 --profile \
    --only exact,projected,delta,lanczos >"$work/$m-profile.txt" || failed+=" $m(profile)"
  if [[ -f "$work/$m-z.npy" ]]; then
    geomlens describe --model "$work/$m.onnx" --backend "$backend" --latents "$work/$m-z.npy" --route exact --no-delta \
      --out "$work/$m-ours.npy" || failed+=" $m(describe)"
  fi
done
python3 benchmarks/torch/report.py "$work" "scripts/bench-vs-torch.sh (BENCH_BACKEND=$backend BENCH_SECONDS=$seconds)" || failed+=" report"
if [[ -n "$failed" ]]; then
  echo "bench-vs-torch: failed:$failed"
  exit 1
fi
