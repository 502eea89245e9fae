"""pytorch_pretrained_biggan's Generator (model.py) layout with random weights, scaled down:
conditional BigGANBatchNorm with truncation-interpolated stored statistics, spectral-normed convs
and linears (eval: stored u, v), SelfAttn (maxpool + bmm + softmax), channel-dropping skips,
NHWC view + permute."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def snconv2d(eps=1e-12, **kw):
    return nn.utils.spectral_norm(nn.Conv2d(**kw), eps=eps)


def snlinear(eps=1e-12, **kw):
    return nn.utils.spectral_norm(nn.Linear(**kw), eps=eps)


class SelfAttn(nn.Module):
    def __init__(self, c, eps=1e-12):
        super().__init__()
        self.theta = snconv2d(in_channels=c, out_channels=c // 8, kernel_size=1, bias=False, eps=eps)
        self.phi = snconv2d(in_channels=c, out_channels=c // 8, kernel_size=1, bias=False, eps=eps)
        self.g = snconv2d(in_channels=c, out_channels=c // 2, kernel_size=1, bias=False, eps=eps)
        self.o = snconv2d(in_channels=c // 2, out_channels=c, kernel_size=1, bias=False, eps=eps)
        self.maxpool = nn.MaxPool2d(2, stride=2, padding=0)
        self.softmax = nn.Softmax(dim=-1)
        self.gamma = nn.Parameter(torch.full((1,), 0.7))

    def forward(self, x):
        _, ch, h, w = x.size()
        theta = self.theta(x).view(-1, ch // 8, h * w)
        phi = self.maxpool(self.phi(x)).view(-1, ch // 8, h * w // 4)
        attn = self.softmax(torch.bmm(theta.permute(0, 2, 1), phi))
        g = self.maxpool(self.g(x)).view(-1, ch // 2, h * w // 4)
        attn_g = torch.bmm(g, attn.permute(0, 2, 1)).view(-1, ch // 2, h, w)
        return x + self.gamma * self.o(attn_g)


class BigGANBatchNorm(nn.Module):
    def __init__(self, nf, cond_dim=None, n_stats=51, eps=1e-4, conditional=True):
        super().__init__()
        self.eps, self.conditional = eps, conditional
        self.register_buffer("running_means", torch.randn(n_stats, nf) * 0.1)
        self.register_buffer("running_vars", torch.rand(n_stats, nf) + 0.5)
        self.step_size = 1.0 / (n_stats - 1)
        if conditional:
            self.scale = snlinear(in_features=cond_dim, out_features=nf, bias=False, eps=eps)
            self.offset = snlinear(in_features=cond_dim, out_features=nf, bias=False, eps=eps)
        else:
            self.weight = nn.Parameter(torch.randn(nf) * 0.1 + 1)
            self.bias = nn.Parameter(torch.randn(nf) * 0.1)

    def forward(self, x, truncation, cond=None):
        coef, start = math.modf(truncation / self.step_size)
        start = int(start)
        if coef != 0.0:
            mean = self.running_means[start] * coef + self.running_means[start + 1] * (1 - coef)
            var = self.running_vars[start] * coef + self.running_vars[start + 1] * (1 - coef)
        else:
            mean, var = self.running_means[start], self.running_vars[start]
        if self.conditional:
            mean = mean.unsqueeze(0).unsqueeze(-1).unsqueeze(-1)
            var = var.unsqueeze(0).unsqueeze(-1).unsqueeze(-1)
            weight = 1 + self.scale(cond).unsqueeze(-1).unsqueeze(-1)
            bias = self.offset(cond).unsqueeze(-1).unsqueeze(-1)
            return (x - mean) / torch.sqrt(var + self.eps) * weight + bias
        return F.batch_norm(x, mean, var, self.weight, self.bias, training=False, momentum=0.0, eps=self.eps)


class GenBlock(nn.Module):
    def __init__(self, cin, cout, cond_dim, up=False, eps=1e-12):
        super().__init__()
        self.up, self.drop = up, cin != cout
        mid = cin // 4
        self.bn_0 = BigGANBatchNorm(cin, cond_dim, eps=eps)
        self.conv_0 = snconv2d(in_channels=cin, out_channels=mid, kernel_size=1, eps=eps)
        self.bn_1 = BigGANBatchNorm(mid, cond_dim, eps=eps)
        self.conv_1 = snconv2d(in_channels=mid, out_channels=mid, kernel_size=3, padding=1, eps=eps)
        self.bn_2 = BigGANBatchNorm(mid, cond_dim, eps=eps)
        self.conv_2 = snconv2d(in_channels=mid, out_channels=mid, kernel_size=3, padding=1, eps=eps)
        self.bn_3 = BigGANBatchNorm(mid, cond_dim, eps=eps)
        self.conv_3 = snconv2d(in_channels=mid, out_channels=cout, kernel_size=1, eps=eps)
        self.relus = nn.ModuleList([nn.ReLU() for _ in range(4)])

    def forward(self, x, cond, t):
        x0 = x
        x = self.conv_0(self.relus[0](self.bn_0(x, t, cond)))
        x = self.relus[1](self.bn_1(x, t, cond))
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        x = self.conv_1(x)
        x = self.conv_2(self.relus[2](self.bn_2(x, t, cond)))
        x = self.conv_3(self.relus[3](self.bn_3(x, t, cond)))
        if self.drop:
            x0 = x0[:, :x0.shape[1] // 2, ...]
        if self.up:
            x0 = F.interpolate(x0, scale_factor=2, mode="nearest")
        return x + x0


class BigGAN(nn.Module):
    """G(cond_vector) at a fixed truncation; cond_vector = cat(z, class embedding), as Wang & Ponce."""

    def __init__(self, zdim=16, ch=4, truncation=0.4,
                 layers=((True, 16, 8), (True, 8, 4), (True, 4, 2), (True, 2, 1)), attn_at=2):
        super().__init__()
        self.ch, self.t = ch, truncation
        cond = 2 * zdim
        self.gen_z = snlinear(in_features=cond, out_features=4 * 4 * 16 * ch)
        mods = []
        for i, (up, a, b) in enumerate(layers):
            if i == attn_at:
                mods.append(SelfAttn(ch * a))
            mods.append(GenBlock(ch * a, ch * b, cond, up=up))
        self.layers = nn.ModuleList(mods)
        self.bn = BigGANBatchNorm(ch, conditional=False)
        self.relu = nn.ReLU()
        self.conv_to_rgb = snconv2d(in_channels=ch, out_channels=ch, kernel_size=3, padding=1)
        self.tanh = nn.Tanh()

    def forward(self, cond):
        z = self.gen_z(cond).view(-1, 4, 4, 16 * self.ch).permute(0, 3, 1, 2).contiguous()
        for layer in self.layers:
            z = layer(z, cond, self.t) if isinstance(layer, GenBlock) else layer(z)
        z = self.conv_to_rgb(self.relu(self.bn(z, self.t)))
        return self.tanh(z[:, :3, ...])


def biggan_tiny():
    """4 x 4 -> 32 x 32 x 3 from a 16-d conditioning vector, self-attention at 16 channels."""
    m = BigGAN(zdim=8, ch=4, layers=((True, 16, 8), (True, 8, 4), (True, 4, 2), (False, 2, 1)), attn_at=2)
    with torch.no_grad():   # power iterations, as training leaves u and v
        m.train()
        for _ in range(3):
            m(torch.randn(2, 16))
    return m.eval()
