"""Test fixtures from genuine PyTorch exports: small seeded generators of the families geomlens
targets, exported with torch.onnx.export, with float64 references computed by torch itself.
The Java test TorchExportsTest reads them (no torch needed in CI).

Usage: python fixtures.py OUTDIR [NAME...]   (all fixtures when no NAME is given)
Writes per model NAME: NAME.onnx; NAME-z.npy (N x E latents); NAME-x.npy (N x D outputs);
NAME-ref.npy (N x 3: psi, nu, numeric rank of J on the exact route, MATH.md rules); NAME-basis.npy
(P x E, orthonormal rows) and NAME-delta.npy (N x L: per nonlinearity layer, in forward order, the
neurons whose input sign differs between the 2P vertices z +- R b_i)."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from biggan import biggan_tiny
from dit import dit_tiny
from models import VaeDecoder, dcgan, export_module
from progan import progan_tiny
from volumes import video_decoder, voxel_gan
from stylegan2 import Synthesis
from swin import SwinBlock

RTOL, N, P, R = 1e-6, 3, 3, 0.05
NONLINEAR = (nn.ReLU, nn.LeakyReLU, nn.PReLU, nn.Sigmoid, nn.Tanh, nn.GELU, nn.SiLU, nn.Softsign)


class Unflatten(nn.Module):
    def __init__(self, *shape):
        super().__init__()
        self.shape = shape

    def forward(self, x):
        return x.view(-1, *self.shape)


def mlp():
    return nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 50), nn.Sigmoid())


def conv_decoder():
    return nn.Sequential(nn.Linear(8, 16 * 4 * 4), nn.ReLU(), Unflatten(16, 4, 4), nn.ConvTranspose2d(16, 8, 4, 2, 1),
                         nn.ReLU(), nn.ConvTranspose2d(8, 1, 4, 2, 1), nn.Sigmoid())


def transformer_mlp():
    """LayerNorm + GELU (erf) + Tanh, as in a transformer block's MLP."""
    return nn.Sequential(nn.Linear(5, 24), nn.LayerNorm(24), nn.GELU(), nn.Linear(24, 24), nn.Tanh(),
                         nn.Linear(24, 30))


def upsample_decoder():
    """Bilinear and nearest upsampling, BatchNorm2d (eval), LeakyReLU."""
    bn = nn.BatchNorm2d(4)
    with torch.no_grad():
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
    return nn.Sequential(nn.Linear(6, 8 * 4 * 4), Unflatten(8, 4, 4),
                         nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False),
                         nn.Conv2d(8, 4, 3, padding=1), bn, nn.LeakyReLU(0.2), nn.Upsample(scale_factor=2),
                         nn.Conv2d(4, 1, 3, padding=1), nn.Tanh())


def instance_norm(c):
    n = nn.InstanceNorm2d(c, affine=True)
    with torch.no_grad():  # away from the identity init, as a trained model is
        n.weight.normal_(1, 0.1)
        n.bias.normal_(0, 0.1)
    return n


class ResBlock(nn.Module):
    """CycleGAN's ResnetBlock: reflect-padded convs with InstanceNorm, plus the input."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), instance_norm(c), nn.ReLU(),
                                  nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), instance_norm(c))

    def forward(self, x):
        return x + self.body(x)


def cyclegan():
    """CycleGAN's ResNet generator layout, scaled down, decoding a latent: ReflectionPad2d,
    ReplicationPad2d, InstanceNorm, ReLU, nearest upsampling."""
    return nn.Sequential(nn.Linear(6, 8 * 6 * 6), Unflatten(8, 6, 6), nn.ReflectionPad2d(3), nn.Conv2d(8, 8, 7),
                         instance_norm(8), nn.ReLU(), ResBlock(8), nn.Upsample(scale_factor=2), nn.ReplicationPad2d(1),
                         nn.Conv2d(8, 3, 3), nn.Tanh())


def subpixel():
    """Sub-pixel convolution upsampling (ESPCN, SRGAN's generator): PixelShuffle, PReLU."""
    return nn.Sequential(nn.Linear(5, 16 * 4 * 4), Unflatten(16, 4, 4), nn.Conv2d(16, 16, 3, padding=1),
                         nn.PixelShuffle(2), nn.PReLU(4, init=0.2), nn.Conv2d(4, 12, 3, padding=1), nn.PixelShuffle(2),
                         nn.Tanh())


class ClampMin(nn.Module):
    """clamp_min(x, eps), as inside F.normalize; a kink at eps (delta's reference hooks read kink)."""

    def __init__(self, eps):
        super().__init__()
        self.kink = eps

    def forward(self, x):
        return torch.clamp_min(x, self.kink)


class ExportPatterns(nn.Module):
    """Modules whose exports need import-time folding or rewriting: spectral_norm (MatMuls of stored
    constants), avg_pool2d without padded cells, adaptive_avg_pool2d, F.normalize written out
    (ReduceL2, Clip), Softsign (Abs), torch.var (ReduceProd on Shape), bicubic and non-integer
    interpolation (Resize as interpolation matrices), max_pool2d (not a layer of delta), ceil_mode pools."""

    def __init__(self):
        super().__init__()
        self.fc = nn.utils.spectral_norm(nn.Linear(6, 4 * 6 * 6))
        self.act = nn.Tanh()
        self.conv = nn.Conv2d(4, 4, 3, padding=1)
        self.clamp = ClampMin(1e-12)
        self.softsign = nn.Softsign()
        self.out = nn.Linear(2 * 4 * 3 * 3 + 4 + 8 + 4 * 7 * 5 + 4 * 9 * 9 + 2 * 4 * 2 * 2, 20)

    def forward(self, z):
        c = self.conv(self.act(self.fc(z)).view(-1, 4, 6, 6))
        pooled = F.avg_pool2d(c, 3, 2, padding=1, count_include_pad=False).flatten(1)
        g = F.adaptive_avg_pool2d(c, 1).flatten(1)
        u = z / self.clamp(torch.norm(z, p=2, dim=1, keepdim=True)).expand_as(z)   # F.normalize
        s = self.softsign(torch.cat([u, z[:, :2]], 1))
        v = (s - s.mean(1, keepdim=True)) / torch.sqrt(s.var(1, keepdim=True) + 1e-5)
        cubic = F.interpolate(c, size=(7, 5), mode="bicubic", align_corners=False).flatten(1)
        linear = F.interpolate(c, scale_factor=1.5, mode="bilinear").flatten(1)
        maxed = F.max_pool2d(c, 2).flatten(1)   # as BigGAN's self-attention pools
        ceil = [F.avg_pool2d(c, 4, 4, ceil_mode=True).flatten(1), F.max_pool2d(c, 4, 4, ceil_mode=True).flatten(1)]
        return self.out(torch.cat([pooled, g, v, cubic, linear, maxed] + ceil, 1))


def export_patterns():
    m = ExportPatterns()
    with torch.no_grad():   # a few power iterations, as training leaves u and v
        for _ in range(3):
            m.train()(torch.zeros(1, 6))
    return m


class AttentionDecoder(nn.Module):
    """A token decoder as transformer generators write it: tokens plus a positional embedding in
    sequence-first layout through nn.TransformerEncoderLayer with a causal mask (nn.MultiheadAttention's
    export moves the batch: [L, N * heads, d], then view(L * N, E)), multi-head attention written with
    diffusers' head_to_batch_dim ([N * heads, L, d]), and an unpatchify permute."""

    def __init__(self, tokens=4, width=8, heads=2):
        super().__init__()
        self.t, self.w, self.h = tokens, width, heads
        self.inp = nn.Linear(5, tokens * width)
        self.act = nn.Tanh()
        self.pos = nn.Parameter(torch.randn(tokens, 1, width) * 0.5)
        self.enc = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, activation=nn.ReLU())
        self.enc.activation.batch_axis = 1   # sees [L, N, F]: reference() moves the batch first
        self.register_buffer("mask", torch.triu(torch.full((tokens, tokens), -1e4), 1))
        self.q, self.k, self.v, self.o = (nn.Linear(width, width) for _ in range(4))
        self.patch = nn.Linear(width, 8)

    def heads_to_batch(self, x, n):
        return x.reshape(n, self.t, self.h, -1).permute(0, 2, 1, 3).reshape(n * self.h, self.t, -1)

    def forward(self, z):
        n = z.shape[0]
        x = self.act(self.inp(z)).view(n, self.t, self.w).transpose(0, 1) + self.pos
        x = self.enc(x, src_mask=self.mask).transpose(0, 1)
        q, k, v = (self.heads_to_batch(f(x), n) for f in (self.q, self.k, self.v))
        a = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * (self.w // self.h) ** -0.5, -1)
        y = torch.bmm(a, v).reshape(n, self.h, self.t, -1).permute(0, 2, 1, 3).reshape(n, self.t, self.w)
        p = self.patch(x + self.o(y)).view(n, 2, 2, 2, 2, 2).permute(0, 5, 1, 3, 2, 4)
        return p.reshape(n, 2, 4, 4)


class QueryDecoder(nn.Module):
    """A DETR-style decoder in sequence-first layout: learned queries repeated over the batch
    (query.repeat(1, N, 1): Tile with the batch in axis 1) cross-attend, through
    nn.TransformerDecoderLayer, to tokens from the latent with a class token in front
    (torch.cat([cls.expand(1, N, E), tokens]))."""

    def __init__(self, tokens=4, queries=3, width=8, heads=2):
        super().__init__()
        self.t, self.w = tokens, width
        self.inp = nn.Linear(5, tokens * width)
        self.act = nn.Tanh()
        self.query = nn.Parameter(torch.randn(queries, 1, width))
        self.cls = nn.Parameter(torch.randn(1, 1, width))
        self.dec = nn.TransformerDecoderLayer(width, heads, 2 * width, dropout=0.0, activation=nn.ReLU())
        self.dec.activation.batch_axis = 1
        self.out = nn.Linear(width, 4)

    def forward(self, z):
        n = z.shape[0]
        memory = self.act(self.inp(z)).view(n, self.t, self.w).transpose(0, 1)
        memory = torch.cat([self.cls.expand(1, n, self.w), memory], 0)
        y = self.dec(self.query.repeat(1, n, 1), memory)
        return self.out(y.transpose(0, 1)).flatten(1)


class AttentionVariants(nn.Module):
    """nn.MultiheadAttention as commonly called: need_weights=True (the head-averaged weights are an
    output too), cross-attention to a context of another width (kdim, vdim), add_bias_kv and
    add_zero_attn (a bias repeated over the batch, zeros [N * heads, 1, d] joined to the keys)."""

    def __init__(self, tokens=4, width=8, heads=2):
        super().__init__()
        self.t, self.w = tokens, width
        self.inp = nn.Linear(5, tokens * width)
        self.ctx = nn.Linear(5, 3 * 6)
        self.act = nn.Tanh()
        self.self_attn = nn.MultiheadAttention(width, heads, add_bias_kv=True, add_zero_attn=True)
        self.cross = nn.MultiheadAttention(width, heads, kdim=6, vdim=6)
        self.out = nn.Linear(width, 3)

    def forward(self, z):
        n = z.shape[0]
        x = self.act(self.inp(z)).view(n, self.t, self.w).transpose(0, 1)
        c = self.act(self.ctx(z)).view(n, 3, 6).transpose(0, 1)
        x, weights = self.self_attn(x, x, x)
        y, _ = self.cross(x, c, c, need_weights=False)
        return torch.cat([self.out(y.transpose(0, 1)).flatten(1), weights.flatten(1)], 1)


class WhereActivation(nn.Module):
    """ReLU / LeakyReLU written with torch.where or masked_fill, as some generator code does; kink 0
    marks the input as the layer for the delta reference hooks."""

    def __init__(self, form):
        super().__init__()
        self.form, self.kink = form, 0.0

    def forward(self, x):
        if self.form == "leaky":
            return torch.where(x > 0, x, 0.2 * x)
        if self.form == "zeros_like":
            return torch.where(x > 0, x, torch.zeros_like(x))
        return x.masked_fill(x < 0, 0.0)


def where_activations():
    return nn.Sequential(nn.Linear(4, 12), WhereActivation("leaky"), nn.Linear(12, 12), WhereActivation("zeros_like"),
                         nn.Linear(12, 12), WhereActivation("masked_fill"), nn.Linear(12, 6))


class WhereGates(nn.Module):
    """torch.where on latent-dependent conditions that are not ReLUs: a hand-written ELU, a hard gate
    (g >= 0.1).float() * g, masks combined with & | ~ ^ and ==, masked_fill with a constant cap; an
    nn.ReLU after them is the one layer of delta."""

    def __init__(self):
        super().__init__()
        self.fc, self.gate, self.out, self.act = nn.Linear(5, 10), nn.Linear(5, 10), nn.Linear(10, 6), nn.ReLU()

    def forward(self, z):
        h, g = self.fc(z), self.gate(z)
        elu = torch.where(h > 0, h, 0.7 * (torch.exp(h) - 1))
        gated = (g >= 0.1).float() * g
        lt, le = elu < gated, g <= 0.5
        mask = ((lt & le) | ~le) ^ (h > 0)
        picked = torch.where(mask == (g >= 0.1), elu, gated)
        capped = picked.masked_fill(picked > 1.5, 1.5)
        return self.out(self.act(capped + 0.1 * h))


def where_gates():
    return WhereGates()


class GridWarp(nn.Module):
    """A latent image sampled at fixed points, as renderers sample triplanes and warping decoders a
    fixed field: F.grid_sample with a fixed grid (a rotated, scaled lattice plus jitter, reaching past
    the edges) in bilinear / border, bicubic / reflection and nearest / zeros, then channels of all
    three picked by an index list (x[:, idx]); LeakyReLU layers before and after."""

    def __init__(self):
        super().__init__()
        self.fc, self.act, self.out = nn.Linear(6, 4 * 6 * 6), nn.LeakyReLU(0.2), nn.Linear(4 * 5 * 7, 10)
        g = torch.Generator().manual_seed(3)
        ys, xs = torch.meshgrid(torch.linspace(-1.1, 1.1, 5), torch.linspace(-1.2, 1.2, 7), indexing="ij")
        c, s = np.cos(0.4), np.sin(0.4)
        grid = torch.stack([c * xs - s * ys, s * xs + c * ys], -1) + 0.05 * torch.randn(5, 7, 2, generator=g)
        self.register_buffer("grid", grid[None])
        self.register_buffer("idx", torch.tensor([6, 1, 11, 4]))   # from each sampling

    def forward(self, z):
        x = self.act(self.fc(z)).view(-1, 4, 6, 6)
        grid = self.grid.expand(x.shape[0], -1, -1, -1)
        a = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        b = F.grid_sample(x, grid, mode="bicubic", padding_mode="reflection", align_corners=True)
        c = F.grid_sample(x, grid, mode="nearest", padding_mode="zeros", align_corners=False)
        picked = torch.cat([a, b, c], 1)[:, self.idx]
        return self.act(self.out(picked.flatten(1)))


def grid_warp():
    return GridWarp()


class Block(nn.Module):
    """A residual block, exported as an ONNX function that calls Linear's and LeakyReLU's."""

    def __init__(self, d):
        super().__init__()
        self.fc, self.act, self.norm = nn.Linear(d, d), nn.LeakyReLU(0.3), nn.LayerNorm(d)

    def forward(self, x):
        return x + self.act(self.norm(self.fc(x)))


def function_blocks():
    return nn.Sequential(nn.Linear(6, 16), Block(16), Block(16), nn.Linear(16, 8), nn.Tanh())


# name -> (constructor, latent shape)
FIXTURES = {"mlp": (mlp, (6,)), "conv": (conv_decoder, (8,)), "dcgan": (lambda: dcgan_tiny(), (10, 1, 1)),
            "transformer-mlp": (transformer_mlp, (5,)), "upsample": (upsample_decoder, (6,)),
            "vae": (lambda: VaeDecoder(latent=2, width=16, groups=4), (2, 4, 4)), "cyclegan": (cyclegan, (6,)),
            "subpixel": (subpixel, (5,)), "export-patterns": (export_patterns, (6,)),
            "attention": (AttentionDecoder, (5,)), "query-decoder": (QueryDecoder, (5,)),
            "attention-variants": (AttentionVariants, (5,)),
            "query-decoder-one-latent": (QueryDecoder, (5,)), "swin-one-latent": (SwinBlock, (6,)),
            "stylegan2-fused": (Synthesis, (8,)), "biggan": (biggan_tiny, (16,)), "progan": (progan_tiny, (12,)),
            "function-blocks": (function_blocks, (6,)), "video-decoder": (video_decoder, (2, 2, 4, 4)),
            "voxel-gan": (voxel_gan, (8, 1, 1, 1)), "dit": (dit_tiny, (4, 4, 4)),
            "where-activations": (where_activations, (4,)), "where-gates": (where_gates, (5,)),
            "grid-warp": (grid_warp, (6,))}
# exported with these module classes as ONNX functions (export_modules_as_functions)
FUNCTIONS = {"function-blocks": {nn.Linear, Block, nn.LeakyReLU}}
# also saved with the weights as external data, as torch.onnx.export(dynamo=True) saves by default
EXTERNAL = {"conv"}
# exported from one latent (no dynamic batch): the fused modulated conv's groups = batch size; the
# others as users export without dynamic_axes (the batch written as 1, or folded into numbers)
ONE_LATENT = {"stylegan2-fused", "query-decoder-one-latent", "swin-one-latent"}


def save_external(path):
    """path's model again as NAME-external.onnx + NAME-external.onnx.data (every tensor in the .data file)."""
    import onnx
    base = path[:-len(".onnx")] + "-external"
    onnx.save_model(onnx.load(path), base + ".onnx", save_as_external_data=True, all_tensors_to_one_file=True,
                    location=base.split("/")[-1] + ".onnx.data", size_threshold=0)


def dcgan_tiny():
    """models.dcgan's layout with 5 -> 3 layers' worth of channels cut down: 10 -> 3 x 32 x 32."""
    return dcgan(nz=10, ngf=4, nc=3)


def reference(model, shape, z, basis):
    f = lambda zi: model(zi.view(1, *shape)).reshape(-1)
    x = torch.stack([f(zi) for zi in z])
    psi_nu_rank = []
    for zi in z:
        j = torch.autograd.functional.jacobian(f, zi)
        s = torch.linalg.svdvals(j)
        keep = s > RTOL * s.max()
        p = s / s.sum() + 1e-30
        psi_nu_rank.append([float(torch.log(s[keep]).sum()), float(torch.exp(-(p * torch.log(p)).sum())),
                            float(keep.sum())])
    layers = [m for m in model.modules() if isinstance(m, NONLINEAR) or hasattr(m, "kink")]
    captured = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: captured.append(
        (getattr(mod, "kink", 0), inp[0].movedim(getattr(mod, "batch_axis", 0), 0)))) for m in layers]
    deltas, varies = [], None
    with torch.no_grad():
        for zi in z:
            captured.clear()
            verts = torch.cat([zi + R * basis, zi - R * basis]).view(-1, *shape)
            model(verts)
            signs = [(c > kink).reshape(c.shape[0], -1) for kink, c in captured]
            deltas.append([float((s.any(0) != s.all(0)).sum()) for s in signs])
            # a nonlinearity of constants only (a conditioning MLP) is no layer of G: the export folds it
            v = [c.shape[0] == 2 * P and not bool((c == c[:1]).all()) for _, c in captured]
            varies = v if varies is None else [a or b for a, b in zip(varies, v)]
    for h in hooks:
        h.remove()
    deltas = np.ascontiguousarray(np.array(deltas)[:, np.array(varies, dtype=bool)])
    return x.detach(), np.array(psi_nu_rank), deltas


def main(out, names):
    dynamo = os.environ.get("GEOMLENS_EXPORTER") == "dynamo"
    exported = []
    for name, (ctor, shape) in FIXTURES.items():
        if names and name not in names:
            continue
        torch.manual_seed(7)
        model = ctor().eval().requires_grad_(False)
        e = int(np.prod(shape))
        one = name in ONE_LATENT
        try:
            export_module(model, torch.randn(1 if one else 2, *shape), f"{out}/{name}.onnx", name, dynamic=not one,
                          functions=FUNCTIONS.get(name, False))
        except Exception as ex:
            if not dynamo:
                raise
            print(f"{name}: the dynamo exporter failed: {str(ex).splitlines()[0] if str(ex) else type(ex).__name__}")
            continue   # torch's limit, not geomlens's: listed, and left out of exported.txt
        exported.append(name)
        if name in EXTERNAL and not dynamo:
            save_external(f"{out}/{name}.onnx")
        m64 = model.double()
        g = torch.Generator().manual_seed(11)
        z = torch.randn(N, e, generator=g, dtype=torch.float64)
        basis = torch.linalg.qr(torch.randn(e, P, generator=g, dtype=torch.float64))[0].T.contiguous()
        x, ref, delta = reference(m64, shape, z, basis)
        for suffix, a in (("z", z.numpy()), ("x", x.numpy()), ("ref", ref), ("basis", basis.numpy()), ("delta", delta)):
            np.save(f"{out}/{name}-{suffix}.npy", a)
        print(f"{name}: E={e} D={x.shape[1]} psi={ref[:, 0].round(4).tolist()} delta={delta.sum(1).tolist()}")
    with open(f"{out}/exported.txt", "w") as fh:   # the Java tests read these (TorchExport.names)
        fh.write("\n".join(exported) + "\n")
    if dynamo:
        return
    with open(f"{out}/README.md", "w") as fh:
        fh.write(f"Made by benchmarks/torch/fixtures.py with torch {torch.__version__} (torch.onnx.export, opset 17);\n"
                 "references in float64 by torch. Regenerate rather than edit.\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
