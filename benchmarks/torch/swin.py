"""A Swin transformer block as SwinIR writes it (window partition and reverse, window attention with
relative position bias, shifted windows with their mask, torch.roll), scaled down: 6 -> 8 x 8 x 8
tokens, windows 4 x 4. window_reverse's int(windows.shape[0] / (H * W / ws / ws)) is traced as a
number, so the export holds only at its batch size: it is exported from one latent."""
import torch
import torch.nn as nn


def window_partition(x, ws):
    b, h, w, c = x.shape
    x = x.view(b, h // ws, ws, w // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c)


def window_reverse(windows, ws, h, w):
    b = int(windows.shape[0] / (h * w / ws / ws))
    x = windows.view(b, h // ws, w // ws, ws, ws, -1)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(b, h, w, -1)


class WindowAttention(nn.Module):
    def __init__(self, dim, ws, heads):
        super().__init__()
        self.ws, self.heads, self.scale = ws, heads, (dim // heads) ** -0.5
        self.table = nn.Parameter(torch.randn((2 * ws - 1) ** 2, heads) * 0.1)
        c = torch.stack(torch.meshgrid([torch.arange(ws), torch.arange(ws)], indexing="ij")).flatten(1)
        r = (c[:, :, None] - c[:, None, :]).permute(1, 2, 0).contiguous()
        r[:, :, 0] += ws - 1
        r[:, :, 1] += ws - 1
        r[:, :, 0] *= 2 * ws - 1
        self.register_buffer("index", r.sum(-1))
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, mask):
        b_, n, c = x.shape
        qkv = self.qkv(x).reshape(b_, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * self.scale) @ k.transpose(-2, -1)
        bias = self.table[self.index.view(-1)].view(n, n, -1).permute(2, 0, 1).contiguous()
        attn = attn + bias.unsqueeze(0)
        windows = mask.shape[0]
        attn = attn.view(b_ // windows, windows, self.heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, self.heads, n, n).softmax(-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b_, n, c))


class SwinBlock(nn.Module):
    def __init__(self, dim=8, res=8, ws=4, shift=2, heads=2):
        super().__init__()
        self.res, self.ws, self.shift = res, ws, shift
        self.inp = nn.Linear(6, res * res * dim)
        self.act = nn.Tanh()
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = WindowAttention(dim, ws, heads)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Linear(2 * dim, dim))
        self.out = nn.Linear(dim, 2)
        img = torch.zeros(1, res, res, 1)
        cnt = 0
        for h in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
            for w in (slice(0, -ws), slice(-ws, -shift), slice(-shift, None)):
                img[:, h, w, :] = cnt
                cnt += 1
        mw = window_partition(img, ws).view(-1, ws * ws)
        m = mw.unsqueeze(1) - mw.unsqueeze(2)
        self.register_buffer("mask", m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0))

    def forward(self, z):
        b, h, w = z.shape[0], self.res, self.res
        x = self.act(self.inp(z)).view(b, h * w, -1)
        shortcut = x
        x = torch.roll(self.norm1(x).view(b, h, w, -1), shifts=(-self.shift, -self.shift), dims=(1, 2))
        windows = window_partition(x, self.ws).view(-1, self.ws * self.ws, x.shape[-1])
        attended = self.attn(windows, self.mask).view(-1, self.ws, self.ws, x.shape[-1])
        x = torch.roll(window_reverse(attended, self.ws, h, w), shifts=(self.shift, self.shift), dims=(1, 2))
        x = shortcut + x.view(b, h * w, -1)
        x = x + self.mlp(self.norm2(x))
        return self.out(x).flatten(1)
