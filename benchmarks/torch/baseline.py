"""torch.func baseline of issue 5 on the GPU (float32), plus float64 references for psi/nu.

Usage: python baseline.py OUTDIR [--seconds S] [--device cuda|cpu] [model ...]
--device cpu: the same baseline on this host's CPU (BENCH_BACKEND=cpu, or a GEOMLENS_EMULATE dry run).
Writes OUTDIR/torch.json (throughputs) and, per model, OUTDIR/<model>-z.npy (latents) and
OUTDIR/<model>-ref.npy (float64 psi, nu on the exact route) for checking geomlens' numbers."""
import json
import os
import sys
import time

import numpy as np
import torch
try:
    from torch.func import jacfwd, vjp, vmap, jvp
except ImportError:  # torch < 2.0 ships the same transforms as functorch
    from functorch import jacfwd, vjp, vmap, jvp

from models import MODELS, build

RTOL = 1e-6


def psi_nu(s):
    """psi over sigma > rtol * max, nu = exp(entropy of sigma / sum sigma + 1e-30) (MATH.md)."""
    keep = s > RTOL * s.max(dim=-1, keepdim=True).values
    psi = torch.where(keep, torch.log(s), torch.zeros_like(s)).sum(-1)
    p = s / s.sum(-1, keepdim=True) + 1e-30
    return psi, torch.exp(-(p * torch.log(p)).sum(-1))


def cpu_name():
    """The CPU model and the threads torch uses (the CPU comparison runs both sides on it)."""
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return (f"{model}, {len(os.sched_getaffinity(0))} cores (torch: the faster of 1 thread and all cores per metric,"
            f" its default {torch.get_num_threads()})")


def sync():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def timed(fn, seconds):
    """Median seconds per call; on the CPU the better of one thread and all cores (torch's small
    vmapped ops can run slower on several threads), the count used noted in THREADS_USED."""
    if torch.cuda.is_available():
        return timed_once(fn, seconds)
    best = None
    for threads in sorted({1, len(os.sched_getaffinity(0))}):
        torch.set_num_threads(threads)
        t = timed_once(fn, seconds)
        if best is None or t < best[0]:
            best = (t, threads)
    THREADS_USED.append(best[1])
    return best[0]


THREADS_USED = []


def timed_once(fn, seconds):
    fn()
    sync()
    runs, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(runs) < 3:
        t0 = time.perf_counter()
        fn()
        sync()
        runs.append(time.perf_counter() - t0)
    return float(np.median(runs))


def main(out, seconds, names, device):
    dev = torch.device(device)
    where = torch.cuda.get_device_name(0) if dev.type == "cuda" else cpu_name()  # before timed() sets threads
    # torch's defaults, as a user runs it; recorded because cuDNN convolutions default to TF32
    # tensor cores (10-bit mantissa) while geomlens computes in full float32
    tf32 = {"cudnn_allow_tf32": torch.backends.cudnn.allow_tf32,
            "matmul_allow_tf32": torch.backends.cuda.matmul.allow_tf32}
    results = {"device": where, "device_type": dev.type, "torch": torch.__version__, "tf32": tf32, "models": {}}
    for name in names:
        try:
            results["models"][name] = run(name, out, seconds, dev)
        except Exception as e:  # one model's failure (say, out of memory) must not lose the others
            print(f"{name}: torch baseline failed: {e!r}", flush=True)
            if dev.type == "cuda":
                torch.cuda.empty_cache()
    with open(f"{out}/torch.json", "w") as fh:
        json.dump(results, fh, indent=2)


def run(name, out, seconds, dev):
    model, shape = build(name)
    model = model.to(dev).requires_grad_(False)  # derivatives in z only; outputs convert to numpy
    e = int(np.prod(shape))
    f = lambda z: model(z.view(1, *shape)).reshape(-1)  # R^E -> R^D for one latent
    d = f(torch.zeros(e, device=dev)).numel()
    batch = MODELS[name][2]
    z = torch.randn(batch, e, device=dev, generator=torch.Generator(dev).manual_seed(1))
    k = min(120, d)
    w = torch.linalg.qr(torch.randn(d, k, device=dev, generator=torch.Generator(dev).manual_seed(0)))[0].T

    def projected():
        def m_of(zi):
            _, pull = vjp(f, zi)
            return vmap(lambda wi: pull(wi)[0])(w)  # k x E
        return psi_nu(torch.linalg.svdvals(vmap(m_of)(z)))

    def exact():
        return psi_nu(torch.linalg.svdvals(vmap(jacfwd(f))(z)))

    # delta: forward hooks on the nonlinearities over the 2P vertices of every latent
    p, r = 4, 1e-2
    basis = torch.linalg.qr(torch.randn(e, p, device=dev, generator=torch.Generator(dev).manual_seed(1)))[0].T
    verts = torch.cat([z[:, None, :] + r * basis[None], z[:, None, :] - r * basis[None]], 1).reshape(-1, *shape)
    acts = [m for m in model.modules()
            if isinstance(m, (torch.nn.ReLU, torch.nn.Sigmoid, torch.nn.Tanh, torch.nn.SiLU))]
    captured = []

    def delta():  # hooks only for this pass, so the other timings record nothing
        captured.clear()
        hooks = [a.register_forward_hook(lambda m, i, o: captured.append(i[0] > 0)) for a in acts]
        with torch.no_grad():
            model(verts)
        for h in hooks:
            h.remove()
        return sum(int((s.reshape(batch, 2 * p, -1).any(1) != s.reshape(batch, 2 * p, -1).all(1)).sum())
                   for s in captured)

    # top-20 eigenpairs of H = J^T J from HVPs (scipy eigsh when present, else torch.lobpcg)
    def lanczos():
        zi = z[0]
        m = min(20, e)

        def hvp(v):
            _, jv = jvp(f, (zi,), (v,))
            return vjp(f, zi)[1](jv)[0]
        try:
            from scipy.sparse.linalg import LinearOperator, eigsh
            op = LinearOperator((e, e), matvec=lambda v: hvp(torch.as_tensor(v, dtype=torch.float32, device=dev)
                                                             .reshape(-1)).cpu().numpy(), dtype=np.float32)
            return eigsh(op, k=min(m, e - 1), which="LM", tol=1e-6)[0]
        except ImportError:
            return None

    row = {"E": e, "D": d, "batch": batch, "k": k}
    row["projected_latents_per_s"] = batch / timed(projected, seconds)
    row["exact_latents_per_s"] = batch / timed(exact, seconds)
    row["delta_latents_per_s"] = batch / timed(delta, seconds)
    row["lanczos_s_per_latent"] = timed(lanczos, seconds) if lanczos() is not None else None
    if dev.type == "cpu":
        row["torch_threads"] = THREADS_USED[-4:] if row["lanczos_s_per_latent"] else THREADS_USED[-3:]
    print(name, json.dumps(row), flush=True)

    # float64 references on the exact route for 16 latents
    m64 = model.double()
    f64 = lambda zi: m64(zi.view(1, *shape)).reshape(-1)
    z64 = z[:16].double()
    psi, nu = psi_nu(torch.linalg.svdvals(vmap(jacfwd(f64))(z64)))
    np.save(f"{out}/{name}-z.npy", z64.cpu().numpy())
    np.save(f"{out}/{name}-ref.npy", torch.stack([psi, nu], 1).cpu().numpy())
    return row


if __name__ == "__main__":
    args = sys.argv[2:]
    secs, device = 3.0, "cuda"
    while args[:1] in (["--seconds"], ["--device"]):
        if args[0] == "--seconds":
            secs = float(args[1])
        else:
            device = args[1]
        args = args[2:]
    main(sys.argv[1], secs, args or list(MODELS), device)
