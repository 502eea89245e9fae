"""Side-by-side table of geomlens vs the torch.func baseline from one run (both on the GPU, or both
on this host's CPU), plus the psi/nu error of geomlens against torch's float64 references.
Usage: python report.py WORKDIR COMMAND"""
import datetime
import json
import os
import sys

import numpy as np

work, command = sys.argv[1], sys.argv[2]
torch_res = json.load(open(f"{work}/torch.json"))
rows = []
on_gpu = torch_res.get("device_type", "cuda") == "cuda"
where = torch_res.get("device", torch_res.get("gpu"))
tf32 = torch_res.get("tf32", {})
if on_gpu:
    precision_note = ("torch defaults: TF32 in cuDNN convolutions " + ("on" if tf32.get("cudnn_allow_tf32") else "off")
                      + ", in matmuls " + ("on" if tf32.get("matmul_allow_tf32") else "off")
                      + "; geomlens: float32 throughout")
else:
    ours_runs = [json.load(open(f"{work}/{n}-geomlens.json")) for n in torch_res["models"]
                 if os.path.exists(f"{work}/{n}-geomlens.json")]
    if any(r.get("backend", "").startswith("cuda") for r in ours_runs):
        precision_note = "DRY RUN: torch on the CPU, geomlens on the kernel simulator; not a result"
    elif any(r.get("gemm", "").startswith("float32") for r in ours_runs):
        precision_note = "both on the CPU in float32 (geomlens: float32 storage, GEMMs in float32 arithmetic)"
    else:
        precision_note = "both on the CPU in float32 (geomlens: float32 storage, float64 arithmetic inside each op)"
print(f"{'GPU' if on_gpu else 'CPU'}: {where}, torch {torch_res['torch']}; {precision_note}")
ours_label = None
print(f"{'model':6} {'metric':22} {'geomlens':>12} {'torch.func':>12} {'ratio':>7}")
for name, t in torch_res["models"].items():
    if not os.path.exists(f"{work}/{name}-geomlens.json"):
        print(f"{name:6} no geomlens result (see the log above)")
        continue
    ours_json = json.load(open(f"{work}/{name}-geomlens.json"))
    ours_label = ours_label or ours_json.get("backend")
    peak = (ours_json.get("gemm_peak") or {}).get("flops_per_second")
    ours = {r["op"].split(" ")[0] + ("-" + r["op"].split(" ")[1] if r["op"].startswith("psi/nu") else ""): r
            for r in ours_json["results"]}
    pairs = [("psi/nu projected", ours.get("psi/nu-projected"), t["projected_latents_per_s"], "latents/s"),
             ("psi/nu exact", ours.get("psi/nu-exact"), t["exact_latents_per_s"], "latents/s"),
             ("delta P=4", ours.get("delta"), t["delta_latents_per_s"], "latents/s")]
    for label, o, base, unit in pairs:
        if o is None:
            continue
        ratio = o["per_second"] / base
        print(f"{name:6} {label:22} {o['per_second']:12.1f} {base:12.1f} {ratio:7.2f}x")
        rows.append(f"| {name} | {label} ({unit}) | {o['per_second']:.1f} | {base:.1f} | {ratio:.2f}x |")
        if label.startswith("psi/nu") and o.get("flops_per_item") and peak:
            achieved = o["flops_per_item"] * o["per_second"]
            note = (f"{o['flops_per_item'] / 1e9:.3g} GFLOP/latent, {achieved / 1e12:.3g} TFLOP/s = "
                    f"{100 * achieved / peak:.1f}% of the measured GEMM peak {peak / 1e12:.3g} TFLOP/s")
            print(f"{name:6} {label:22} {note}")
            rows.append(f"| {name} | {label}: FLOPs and achieved rate | {note} | | |")
    lz = ours.get("lanczos")
    if lz is not None and t["lanczos_s_per_latent"]:
        ratio = t["lanczos_s_per_latent"] / lz["median_seconds"]
        print(f"{name:6} {'top-20 eigenpairs s':22} {lz['median_seconds']:12.4f} {t['lanczos_s_per_latent']:12.4f} "
              f"{ratio:7.2f}x")
        rows.append(f"| {name} | top-20 eigenpairs (s/latent) | {lz['median_seconds']:.4f} | "
                    f"{t['lanczos_s_per_latent']:.4f} | {ratio:.2f}x |")
    if not os.path.exists(f"{work}/{name}-ours.npy"):
        continue
    ref = np.load(f"{work}/{name}-ref.npy")
    got = np.load(f"{work}/{name}-ours.npy")
    err_psi = float(np.max(np.abs(got[:, 0] - ref[:, 0])))
    err_nu = float(np.max(np.abs(got[:, 1] - ref[:, 1])))
    print(f"{name:6} psi max |err| vs float64 torch: {err_psi:.2e}, nu: {err_nu:.2e}")
    rows.append(f"| {name} | psi / nu max abs error vs torch float64 ({len(ref)} latents) | {err_psi:.2e} / "
                f"{err_nu:.2e} | | |")

date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
with open(f"{work}/RESULTS-rows.md", "w") as fh:
    fh.write(f"\n### {date}, {where}, torch {torch_res['torch']}\n\nCommand: `{command}`\n\n"
             f"{precision_note}.\n\n")
    fh.write(f"| model | metric | geomlens ({ours_label}) | torch.func | ratio |\n|---|---|---|---|---|\n")
    fh.write("\n".join(rows) + "\n")
print(f"rows for benchmarks/RESULTS.md: {work}/RESULTS-rows.md")
