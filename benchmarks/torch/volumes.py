"""Generators with 3-D convolutions, scaled down with random weights: a causal video VAE decoder
(CogVideoX-style CausalConv3d: the first frame repeated in front instead of temporal zero padding,
GroupNorm, SiLU, nearest upsampling in time and space) and a 3D-GAN voxel generator (Wu et al.
2016: ConvTranspose3d from a 1 x 1 x 1 latent, BatchNorm3d in eval, ReLU, Sigmoid occupancy)."""
import torch
import torch.nn as nn

from models import group_norm


class CausalConv3d(nn.Module):
    def __init__(self, cin, cout, k=3):
        super().__init__()
        self.k = k
        self.conv = nn.Conv3d(cin, cout, k, padding=(0, k // 2, k // 2))

    def forward(self, x):
        return self.conv(torch.cat([x[:, :, :1]] * (self.k - 1) + [x], dim=2))


def video_decoder():
    """[2, 2, 4, 4] (C, T, H, W) -> [3, 4, 8, 8]."""
    return nn.Sequential(CausalConv3d(2, 8), group_norm(4, 8), nn.SiLU(),
                         nn.Upsample(scale_factor=(2, 2, 2), mode="nearest"),
                         CausalConv3d(8, 8), group_norm(4, 8), nn.SiLU(), nn.Conv3d(8, 3, 1), nn.Tanh())


def batch_norm3d(c):
    bn = nn.BatchNorm3d(c)
    with torch.no_grad():  # non-trivial running statistics, as a trained model has
        bn.running_mean.normal_(0, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.normal_(1, 0.1)
        bn.bias.normal_(0, 0.1)
    return bn


def voxel_gan():
    """[8, 1, 1, 1] -> one 16^3 occupancy grid."""
    return nn.Sequential(nn.ConvTranspose3d(8, 16, 4, 1, 0, bias=False), batch_norm3d(16), nn.ReLU(),
                         nn.ConvTranspose3d(16, 8, 4, 2, 1, bias=False), batch_norm3d(8), nn.ReLU(),
                         nn.ConvTranspose3d(8, 1, 4, 2, 1, bias=False), nn.Sigmoid())
