"""A DiT (Peebles & Xie 2023) scaled down, as a one-step generator of x_t at a fixed timestep and
class: patch embedding, timm's Attention (qkv reshaped to [3, B, heads, N, d] and unbound: the batch
moves to axis 1), adaLN-Zero modulation from the constant conditioning, LayerNorm without affine
parameters, GELU(tanh) MLP, final layer, einsum unpatchify."""
import copy
import math

import torch
import torch.nn as nn


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * (c // self.heads) ** -0.5
        return self.proj((attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(approximate="tanh"), nn.Linear(4 * dim, dim))
        self.ada = nn.Sequential(nn.SiLU(), nn.Linear(dim, 6 * dim))

    def forward(self, x, modulation):
        shift1, scale1, gate1, shift2, scale2, gate2 = modulation
        x = x + gate1.unsqueeze(1) * self.attn(modulate(self.norm1(x), shift1, scale1))
        return x + gate2.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift2, scale2))


class DiT(nn.Module):
    def __init__(self, size=4, patch=2, channels=4, dim=32, heads=4, depth=2, classes=10, t=500, y=3):
        super().__init__()
        self.patch, self.channels, self.grid = patch, channels, size // patch
        self.embed = nn.Conv2d(channels, dim, patch, patch)
        self.pos = nn.Parameter(torch.randn(1, self.grid ** 2, dim) * 0.1)
        self.t_mlp = nn.Sequential(nn.Linear(16, dim), nn.SiLU(), nn.Linear(dim, dim))
        self.y_embed = nn.Embedding(classes, dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.final_ada = nn.Sequential(nn.SiLU(), nn.Linear(dim, 2 * dim))
        self.final = nn.Linear(dim, patch * patch * channels)
        self.register_buffer("t", torch.tensor([t]))
        self.register_buffer("y", torch.tensor([y]))

    def t_embed(self):   # sinusoidal, from the fixed timestep: constants for the export
        freqs = torch.exp(-math.log(10000) * torch.arange(8, dtype=self.pos.dtype) / 8)
        a = self.t[:, None].to(self.pos.dtype) * freqs[None]
        return self.t_mlp(torch.cat([torch.cos(a), torch.sin(a)], dim=-1))

    def modulations(self):
        """The adaLN parameters of the fixed timestep and class: constants, which the export folds into
        float32 initializers; so computed in float32 here too, then cast to the model's dtype."""
        m = self if self.pos.dtype == torch.float32 else copy.deepcopy(self).float()
        c = m.t_embed() + m.y_embed(m.y)
        mods = [block.ada(c).chunk(6, dim=1) for block in m.blocks] + [m.final_ada(c).chunk(2, dim=1)]
        return [[t.to(self.pos.dtype) for t in mod] for mod in mods]

    def forward(self, x):
        h = self.embed(x).flatten(2).transpose(1, 2) + self.pos
        mods = self.modulations()
        for block, modulation in zip(self.blocks, mods):
            h = block(h, modulation)
        shift, scale = mods[-1]
        h = self.final(modulate(self.norm(h), shift, scale))
        h = h.reshape(h.shape[0], self.grid, self.grid, self.patch, self.patch, self.channels)
        h = torch.einsum("nhwpqc->nchpwq", h)
        return h.reshape(h.shape[0], self.channels, self.grid * self.patch, self.grid * self.patch)


def dit_tiny():
    """[4, 4, 4] latents -> [4, 4, 4]; adaLN-Zero weights moved off zero, as training does."""
    m = DiT()
    with torch.no_grad():
        for block in m.blocks:
            block.ada[1].weight.normal_(0, 0.1)
            block.ada[1].bias.normal_(0, 0.1)
        m.final_ada[1].weight.normal_(0, 0.1)
    return m
