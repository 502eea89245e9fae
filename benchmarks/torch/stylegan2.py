"""StyleGAN2's synthesis network as stylegan2-ada-pytorch writes it (training/networks.py
modulated_conv2d with fused_modconv, torch_utils/ops conv2d_resample and upfirdn2d on their
reference paths), scaled down to 4 x 4 -> 8 x 8 with random weights: the ops its ONNX export
contains. One change: batch_size = styles.shape[0] instead of x.shape[0], without which torch 1.13
cannot export the convolution (its kernel shape becomes unknown). Exported from one latent, as
the fused convolution's groups = batch size requires."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def setup_filter(f):
    f = torch.as_tensor(f, dtype=torch.float32)
    f = f.ger(f)
    return f / f.sum()


def upfirdn2d(x, f, up=1, padding=(0, 0, 0, 0), gain=1):
    """upfirdn2d._upfirdn2d_ref for a 2-D filter, down = 1, flip_filter = False."""
    batch_size, num_channels, in_height, in_width = x.shape
    padx0, padx1, pady0, pady1 = padding
    x = x.reshape([batch_size, num_channels, in_height, 1, in_width, 1])
    x = F.pad(x, [0, up - 1, 0, 0, 0, up - 1])
    x = x.reshape([batch_size, num_channels, in_height * up, in_width * up])
    x = F.pad(x, [max(padx0, 0), max(padx1, 0), max(pady0, 0), max(pady1, 0)])
    x = x[:, :, max(-pady0, 0): x.shape[2] - max(-pady1, 0), max(-padx0, 0): x.shape[3] - max(-padx1, 0)]
    f = (f * (gain ** (f.ndim / 2))).to(x.dtype).flip(list(range(f.ndim)))
    f = f[np.newaxis, np.newaxis].repeat([num_channels, 1] + [1] * f.ndim)
    return F.conv2d(input=x, weight=f, groups=num_channels)


def modulated_conv2d(x, weight, styles, up=1, padding=0, resample_filter=None, demodulate=True):
    batch_size = styles.shape[0]
    out_channels, in_channels, kh, kw = weight.shape
    w = weight.unsqueeze(0) * styles.reshape(batch_size, 1, -1, 1, 1)
    if demodulate:
        dcoefs = (w.square().sum(dim=[2, 3, 4]) + 1e-8).rsqrt()
        w = w * dcoefs.reshape(batch_size, -1, 1, 1, 1)
    x = x.reshape(1, -1, *x.shape[2:])
    w = w.reshape(-1, in_channels, kh, kw)
    groups = batch_size
    if up == 1:
        x = F.conv2d(x, w, padding=padding, groups=groups)
    else:   # conv2d_resample with up = 2: a transposed conv (weights regrouped), then the filter
        if groups == 1:
            w = w.transpose(0, 1)
        else:
            w = w.reshape(groups, -1, in_channels, kh, kw).transpose(1, 2).reshape(groups * in_channels, -1, kh, kw)
        fw = resample_filter.shape[-1]
        px0, px1, py0, py1 = padding - (kw - 1), padding - (kw - up), padding - (kh - 1), padding - (kh - up)
        pxt, pyt = max(min(-px0, -px1), 0), max(min(-py0, -py1), 0)
        x = F.conv_transpose2d(x, w, stride=up, padding=[pyt, pxt], groups=groups)
        x = upfirdn2d(x, resample_filter, padding=[px0 + pxt + (fw + up - 1) // 2, px1 + pxt + (fw - up) // 2,
                                                   py0 + pyt + (fw + up - 1) // 2, py1 + pyt + (fw - up) // 2],
                      gain=up ** 2)
    return x.reshape(batch_size, -1, *x.shape[2:])


class SynthesisLayer(nn.Module):
    """A modulated conv with constant noise and bias_act's leaky ReLU (gain sqrt 2); to_rgb: 1 x 1, no
    demodulation, no activation."""

    def __init__(self, cin, cout, wdim, res, up=1, k=3, rgb=False):
        super().__init__()
        self.up, self.k, self.rgb = up, k, rgb
        self.affine = nn.Linear(wdim, cin)
        nn.init.ones_(self.affine.bias)
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = nn.Parameter(torch.randn(cout) * 0.1)
        self.register_buffer("noise_const", torch.randn(res, res))
        self.noise_strength = nn.Parameter(torch.tensor(0.1))
        self.register_buffer("resample_filter", setup_filter([1, 3, 3, 1]))
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x, w):
        x = modulated_conv2d(x, self.weight, self.affine(w), up=self.up, padding=self.k // 2,
                             resample_filter=self.resample_filter, demodulate=not self.rgb)
        if self.rgb:
            return x + self.bias.reshape(1, -1, 1, 1)
        x = x + self.noise_const * self.noise_strength
        return self.act(x + self.bias.reshape(1, -1, 1, 1)) * np.sqrt(2)


class Synthesis(nn.Module):
    """const 4 x 4 -> conv -> to_rgb; up-conv 8 x 8 -> conv -> to_rgb, plus the upsampled skip image."""

    def __init__(self, wdim=8, c=6):
        super().__init__()
        self.const = nn.Parameter(torch.randn(c, 4, 4))
        self.conv4 = SynthesisLayer(c, c, wdim, 4)
        self.rgb4 = SynthesisLayer(c, 3, wdim, 4, k=1, rgb=True)
        self.conv8a = SynthesisLayer(c, c, wdim, 8, up=2)
        self.conv8b = SynthesisLayer(c, c, wdim, 8)
        self.rgb8 = SynthesisLayer(c, 3, wdim, 8, k=1, rgb=True)
        self.register_buffer("resample_filter", setup_filter([1, 3, 3, 1]))

    def forward(self, w):
        x = self.const.unsqueeze(0).repeat([w.shape[0], 1, 1, 1])
        x = self.conv4(x, w)
        img = self.rgb4(x, w)
        x = self.conv8b(self.conv8a(x, w), w)
        img = upfirdn2d(img, self.resample_filter, up=2, padding=[2, 1, 2, 1], gain=4)
        return img + self.rgb8(x, w)
