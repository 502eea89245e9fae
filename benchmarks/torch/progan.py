"""ProGAN (Karras et al. 2018) generator as the PyTorch ports write it: PixelNorm of the latent
and after each conv, equalized learning rate (weights scaled at run time), nearest upsampling,
LeakyReLU(0.2), a 1 x 1 toRGB; scaled down to 4 x 4 -> 16 x 16."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def scaled(weight, scale, x):
    """weight * scale in float32, then x's dtype: torch.onnx.export folds the product into a float32
    initializer, so a float64 reference takes the same rounded weights."""
    return (weight.float() * scale).to(x.dtype)


class PixelNorm(nn.Module):
    def forward(self, x):
        return x * torch.rsqrt(torch.mean(x ** 2, dim=1, keepdim=True) + 1e-8)


class EqConv(nn.Module):
    def __init__(self, cin, cout, k, pad):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = nn.Parameter(torch.randn(cout) * 0.1)
        self.scale, self.pad = math.sqrt(2 / (cin * k * k)), pad

    def forward(self, x):
        return F.conv2d(x, scaled(self.weight, self.scale, x), self.bias, padding=self.pad)


class EqLinear(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin))
        self.bias = nn.Parameter(torch.randn(cout) * 0.1)
        self.scale = math.sqrt(2 / cin)

    def forward(self, x):
        return F.linear(x, scaled(self.weight, self.scale, x), self.bias)


class ProGAN(nn.Module):
    def __init__(self, zdim=24, ch=(16, 16, 8)):
        super().__init__()
        self.c0 = ch[0]
        self.norm = PixelNorm()
        self.fc = EqLinear(zdim, ch[0] * 16)
        self.convs = nn.ModuleList([EqConv(ch[0], ch[0], 3, 1)])
        for a, b in zip(ch, ch[1:]):
            self.convs.extend([EqConv(a, b, 3, 1), EqConv(b, b, 3, 1)])
        self.acts = nn.ModuleList([nn.LeakyReLU(0.2) for _ in range(len(self.convs) + 1)])
        self.to_rgb = EqConv(ch[-1], 3, 1, 0)

    def forward(self, z):
        x = self.norm(self.acts[0](self.fc(self.norm(z)).view(-1, self.c0, 4, 4)))
        for i, conv in enumerate(self.convs):
            if i > 0 and i % 2 == 1:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = self.norm(self.acts[i + 1](conv(x)))
        return self.to_rgb(x)


def progan_tiny():
    """12-d latent -> 16 x 16 x 3. PixelNorm of z leaves J rank E - 1 (the radial direction)."""
    return ProGAN(zdim=12, ch=(8, 8, 4))
