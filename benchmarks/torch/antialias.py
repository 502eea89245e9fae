"""F.interpolate(antialias=True) as a reference for ONNX Resize(antialias=1, exclude_outside=1).

torch 1.13 cannot export _upsample_bilinear2d_aa, so the ONNX graph is written here by hand (onnx.helper):
Gemm -> Tanh -> Reshape [N, 3, 24, 20] -> three antialiased Resizes (bilinear to 7 x 9, bicubic a = -0.5 to
12 x 10 and to 5 x 6, pytorch_half_pixel, exclude_outside=1: torch drops the taps outside the input) ->
Concat. torch computes the same function in float64 from the same float32 weights.
Usage: python3 antialias.py OUTDIR  (writes antialias.onnx, antialias-z.npy, antialias-x.npy)"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

SIZES = {"linear": [(7, 9)], "cubic": [(12, 10), (5, 6)]}


def main(out):
    torch.manual_seed(0)
    fc = torch.nn.Linear(6, 3 * 24 * 20)
    w = fc.weight.detach().numpy().astype(np.float32)
    b = fc.bias.detach().numpy().astype(np.float32)
    wd, bd = torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)

    def reference(z):
        x = torch.tanh(z @ wd.T + bd).view(-1, 3, 24, 20)
        parts = [F.interpolate(x, size=s, mode="bilinear" if m == "linear" else "bicubic", antialias=True).flatten(1)
                 for m, sizes in SIZES.items() for s in sizes]
        return torch.cat(parts, 1)

    z = torch.randn(5, 6, dtype=torch.float64)
    nodes = [helper.make_node("Gemm", ["z", "W", "b"], ["h"], transB=1), helper.make_node("Tanh", ["h"], ["t"]),
             helper.make_node("Reshape", ["t", "shape"], ["x"])]
    inits = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(np.array([-1, 3, 24, 20], np.int64), "shape")]
    flats = []
    for mode, sizes in SIZES.items():
        for h, wi in sizes:
            name = f"{mode}_{h}x{wi}"
            inits.append(numpy_helper.from_array(np.array([1, 3, h, wi], np.int64), name + "_sizes"))
            nodes.append(helper.make_node("Resize", ["x", "", "", name + "_sizes"], [name], mode=mode,
                                          coordinate_transformation_mode="pytorch_half_pixel", antialias=1,
                                          exclude_outside=1, cubic_coeff_a=-0.5))
            nodes.append(helper.make_node("Flatten", [name], [name + "_flat"]))
            flats.append(name + "_flat")
    nodes.append(helper.make_node("Concat", flats, ["y"], axis=1))
    graph = helper.make_graph(nodes, "antialias", [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["N", 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.save(model, os.path.join(out, "antialias.onnx"))
    np.save(os.path.join(out, "antialias-z.npy"), z.numpy())
    np.save(os.path.join(out, "antialias-x.npy"), reference(z).numpy())


if __name__ == "__main__":
    main(sys.argv[1])
