"""The benchmark generators in PyTorch (seeded random weights): the three of issue 5 and a
scaled-down latent-diffusion VAE decoder, exported to ONNX with torch.onnx.export (opset 17,
dynamic batch) so geomlens and torch.func run the same models.

Usage: python models.py OUTDIR [model ...]   (default: every model in MODELS)"""
import inspect
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp():
    return nn.Sequential(nn.Linear(16, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 784),
                         nn.Sigmoid())


class ConvDecoder(nn.Module):
    def __init__(self, latent=32):
        super().__init__()
        self.fc = nn.Linear(latent, 64 * 7 * 7)
        self.up1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.up2 = nn.ConvTranspose2d(32, 1, 4, 2, 1)

    def forward(self, z):
        h = torch.relu(self.fc(z)).view(-1, 64, 7, 7)
        return torch.sigmoid(self.up2(torch.relu(self.up1(h))))


def dcgan(nz=100, ngf=64, nc=3):
    layers, ch = [], [nz, ngf * 8, ngf * 4, ngf * 2, ngf, nc]
    for i in range(5):
        layers.append(nn.ConvTranspose2d(ch[i], ch[i + 1], 4, 1 if i == 0 else 2, 0 if i == 0 else 1, bias=False))
        if i < 4:
            bn = nn.BatchNorm2d(ch[i + 1])
            with torch.no_grad():  # non-trivial running statistics, as a trained model has
                bn.running_mean.normal_(0, 0.1)
                bn.running_var.uniform_(0.5, 1.5)
                bn.weight.normal_(1, 0.1)
                bn.bias.normal_(0, 0.1)
            layers += [bn, nn.ReLU()]  # not in place: in-place ops trip torch.func transforms
        else:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def group_norm(groups, c):
    gn = nn.GroupNorm(groups, c, eps=1e-6)
    with torch.no_grad():  # away from the identity init, as a trained model is
        gn.weight.normal_(1, 0.1)
        gn.bias.normal_(0, 0.1)
    return gn


class ResnetBlock(nn.Module):
    """diffusers' ResnetBlock2D (no time embedding): norm, SiLU, conv, twice, plus the input."""

    def __init__(self, cin, cout, groups):
        super().__init__()
        self.norm1, self.act1 = group_norm(groups, cin), nn.SiLU()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2, self.act2 = group_norm(groups, cout), nn.SiLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv2(self.act2(self.norm2(self.conv1(self.act1(self.norm1(x))))))
        return ((x if self.shortcut is None else self.shortcut(x)) + h) / 1.0


class Attention(nn.Module):
    """diffusers' VAE mid-block attention (one head). sdpa=True uses F.scaled_dot_product_attention
    (what AttnProcessor2_0 exports); the torch.func baseline runs the same math written out, since
    forward-mode AD through the fused SDPA kernels is not available everywhere."""

    def __init__(self, c, groups):
        super().__init__()
        self.group_norm = group_norm(groups, c)
        self.to_q, self.to_k, self.to_v, self.to_out = (nn.Linear(c, c) for _ in range(4))
        self.sdpa = False

    def forward(self, x):
        b, c, h, w = x.shape
        t = x.view(b, c, h * w).transpose(1, 2)
        t = self.group_norm(t.transpose(1, 2)).transpose(1, 2)
        q, k, v = (p(t).view(b, -1, 1, c).transpose(1, 2) for p in (self.to_q, self.to_k, self.to_v))
        if self.sdpa and hasattr(F, "scaled_dot_product_attention"):  # torch >= 2.0
            o = F.scaled_dot_product_attention(q, k, v)
        else:
            o = torch.softmax(q @ k.transpose(-1, -2) / c ** 0.5, dim=-1) @ v
        o = self.to_out(o.transpose(1, 2).reshape(b, -1, c))
        return (o.transpose(-1, -2).reshape(b, c, h, w) + x) / 1.0


class VaeDecoder(nn.Module):
    """AutoencoderKL's decoder layout, scaled down: [4, 8, 8] -> [3, 16, 16] (geomlens zoo --kind vae
    has the same layout with other random weights)."""

    def __init__(self, latent=4, width=64, groups=32):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(latent, latent, 1)
        self.conv_in = nn.Conv2d(latent, width, 3, padding=1)
        self.mid = nn.Sequential(ResnetBlock(width, width, groups), Attention(width, groups),
                                 ResnetBlock(width, width, groups))
        self.up0 = ResnetBlock(width, width, groups)
        self.up0_conv = nn.Conv2d(width, width, 3, padding=1)
        self.up1 = ResnetBlock(width, width // 2, groups)
        self.norm_out, self.act_out = group_norm(groups, width // 2), nn.SiLU()
        self.conv_out = nn.Conv2d(width // 2, 3, 3, padding=1)

    def forward(self, z):
        h = self.mid(self.conv_in(self.post_quant_conv(z)))
        h = self.up0_conv(F.interpolate(self.up0(h), scale_factor=2.0, mode="nearest"))
        return self.conv_out(self.act_out(self.norm_out(self.up1(h))))


# name -> (constructor, latent shape the model takes, latents per benchmark batch)
MODELS = {"mlp": (mlp, (16,), 64), "conv": (ConvDecoder, (32,), 64), "dcgan": (dcgan, (100, 1, 1), 64),
          "vae": (VaeDecoder, (4, 8, 8), 8)}


def build(name, seed=2026):
    torch.manual_seed(seed)
    ctor, shape, _ = MODELS[name]
    return ctor().eval(), shape


def export(name, path):
    model, shape = build(name)
    export_module(model, torch.randn(2, *shape), path, name)


def export_module(model, z, path, name, dynamic=True, functions=False):
    """torch.onnx.export as users call it (opset 17, dynamic batch unless dynamic=False: then from the
    latents z as given), attention through SDPA; functions: export_modules_as_functions (a set of
    module classes written as ONNX functions, TorchScript exporter only). With GEOMLENS_EXPORTER=dynamo
    in the environment: torch.onnx.export(dynamo=True) with its own defaults (opset, weights saved
    beside the model in path + ".data"), what torch >= 2.9 does when dynamo is not given."""
    for m in model.modules():
        if isinstance(m, Attention):
            m.sdpa = True
    kw = dict(input_names=["z"], output_names=["x"], opset_version=17,
              dynamic_axes={"z": {0: "N"}, "x": {0: "N"}} if dynamic else None)
    has_dynamo = "dynamo" in inspect.signature(torch.onnx.export).parameters   # torch >= 2.5
    if os.environ.get("GEOMLENS_EXPORTER") == "dynamo":
        if not has_dynamo:
            raise RuntimeError(f"torch {torch.__version__} has no dynamo exporter")
        del kw["opset_version"]
        torch.onnx.export(model, (z,), path, dynamo=True, **kw)
        return
    if functions:
        kw["export_modules_as_functions"] = functions
    if not has_dynamo:
        try:
            torch.onnx.export(model, (z,), path, **kw)
        except Exception as e:   # torch 1.13's checker rejects its own LayerNorm without affine, after writing it
            if type(e).__name__ not in ("CheckerError", "ValidationError") or not os.path.exists(path):
                raise
            print(f"{name}: torch's ONNX checker: {str(e).splitlines()[0]} (the model is written)", flush=True)
        return
    try:
        torch.onnx.export(model, (z,), path, dynamo=False, **kw)
    except Exception as e:  # a torch without the TorchScript exporter: the dynamo one
        print(f"{name}: TorchScript export failed ({e}); trying dynamo=True", flush=True)
        kw.pop("export_modules_as_functions", None)
        torch.onnx.export(model, (z,), path, dynamo=True, **kw)

if __name__ == "__main__":
    out = sys.argv[1]
    for n in sys.argv[2:] or MODELS:
        export(n, f"{out}/{n}.onnx")
        print(f"exported {out}/{n}.onnx")
