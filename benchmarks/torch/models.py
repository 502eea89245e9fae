"""The three benchmark generators of issue 5 in PyTorch (seeded random weights), exported to ONNX
with torch.onnx.export (opset 17, dynamic batch) so geomlens and torch.func run the same models."""
import sys

import torch
import torch.nn as nn


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


# name -> (constructor, latent shape the model takes)
MODELS = {"mlp": (mlp, (16,)), "conv": (ConvDecoder, (32,)), "dcgan": (dcgan, (100, 1, 1))}


def build(name, seed=2026):
    torch.manual_seed(seed)
    ctor, shape = MODELS[name]
    return ctor().eval(), shape


def export(name, path):
    model, shape = build(name)
    z = torch.randn(2, *shape)
    torch.onnx.export(model, (z,), path, input_names=["z"], output_names=["x"], opset_version=17,
                      dynamic_axes={"z": {0: "N"}, "x": {0: "N"}}, dynamo=False)


if __name__ == "__main__":
    out = sys.argv[1]
    for n in MODELS:
        export(n, f"{out}/{n}.onnx")
        print(f"exported {out}/{n}.onnx")
