package io.geomlens.testing;

import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small models covering every supported op, shared by the derivative and backend tests. */
public final class TestModels {
    private TestModels() {}

    /** Smooth models (no kinks), safe for finite differences. */
    public static Map<String, OnnxModelBuilder> smooth() {
        Map<String, OnnxModelBuilder> m = new LinkedHashMap<>();
        m.put("mlp-gelu", ModelZoo.mlp(1, "GeluErf", 6, 20, 15, 11));
        m.put("mlp-tanh", ModelZoo.mlp(2, "Tanh", 5, 17, 9));
        m.put("mlp-elu", ModelZoo.mlp(7, "Elu", 5, 17, 9));
        m.put("mlp-softplus", ModelZoo.mlp(8, "Softplus", 5, 17, 9));
        m.put("mlp-selu", ModelZoo.mlp(10, "Selu", 5, 17, 9));
        m.put("mlp-celu", ModelZoo.mlp(11, "Celu", 5, 17, 9));
        m.put("dcgan-tanh-bn", ModelZoo.dcgan(3, 6, 2, 1));
        m.put("conv-resize-elementwise", convMixed());
        m.put("concat-branches", concatBranches());
        m.put("groupnorm", groupNorm());
        m.put("attention", attention(1));
        m.put("attention-2heads", attention(2));
        m.put("diffusion-decoder", io.geomlens.onnx.DiffusionDecoder.build(41, 2, 4, 8, 2));
        m.put("layernorm", layerNorm(-1, true));
        m.put("rmsnorm-op23", rmsNorm());
        m.put("attention-op23-gqa-causal", attention23(4, 2, 3, new Attr[] {Attr.i("is_causal", 1)}, "float"));
        m.put("groupnorm-op21", groupNormalization(21));
        m.put("slice-split", slices());
        m.put("layernorm-opset13", layerNormDecomposed());
        m.put("pixelnorm", pixelNorm());
        m.put("reduce-sum-mean", reductions());
        m.put("expand", expanded());
        m.put("tile", tiled());
        m.put("pad", padded(13));
        m.put("pad-reflect-edge", borderPadded());
        m.put("pad-wrap", ExportPatterns.wrapped());
        m.put("pixel-shuffle", pixelShuffled());
        m.put("elementary", elementary());
        m.put("gather", gathered());
        m.put("token-mixing", tokenMixing());
        m.put("einsum-attention", einsumAttention(1));
        m.put("einsum-attention-2heads", einsumAttention(2));
        m.put("bilinear-half-pixel", bilinear("pytorch_half_pixel", 17));
        m.put("bilinear-align-corners", bilinear("align_corners", 17));
        m.put("average-pooling", ExportPatterns.pooling());
        m.put("spectral-norm-var", ExportPatterns.constantFolds());
        m.put("chunk", ExportPatterns.chunked());
        m.put("bicubic-non-integer-nearest", ExportPatterns.interpolations());
        m.put("einsum-constant-two-axes", ExportPatterns.einsumConstant());
        m.put("strided-slices", ExportPatterns.strided());
        m.put("one-hot-label", ExportPatterns.oneHotLabel());
        m.put("softmax-axis-max-min", ExportPatterns.extrema(17));
        m.put("masked-fill", ExportPatterns.maskedFill());
        m.put("where-latent-conditions", ExportPatterns.latentWhere());
        m.put("einsum-chains", ExportPatterns.einsumChains());
        m.put("flip-cumsum", ExportPatterns.flipsAndSums());
        m.put("einsum-permutations", ExportPatterns.einsumPermutations());
        m.put("grid-sample-gather-lists", GridSamples.warpedAndGathered());
        return m;
    }

    /**
     * nn.GroupNorm(2, 4) as torch.onnx.export writes it: Reshape to [N, groups, -1],
     * InstanceNormalization with unit scale, Reshape back, then the per-channel Mul and Add.
     */
    public static OnnxModelBuilder groupNorm() {
        SplittableRandom rnd = new SplittableRandom(31);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 36);
        m.initializerLongs("img", 0, 4, 3, 3).initializerLongs("groups", 0, 2, -1);
        m.initializer("ones", new int[] {2}, new float[] {1, 1}).initializer("zeros", new int[] {2}, new float[2]);
        m.initializer("gamma", new int[] {4, 1, 1}, new float[] {1.2f, 0.7f, -0.5f, 1f});
        m.initializer("beta", new int[] {4, 1, 1}, new float[] {0.1f, -0.2f, 0f, 0.3f});
        m.node("Reshape", "/r0", List.of(h, "img"), "x")
                .node("Reshape", "/gn/r1", List.of("x", "groups"), "xg")
                .node("InstanceNormalization", "/gn/in", List.of("xg", "ones", "zeros"), "xn", Attr.f("epsilon", 1e-5))
                .node("Reshape", "/gn/r2", List.of("xn", "img"), "xr")
                .node("Mul", "/gn/mul", List.of("xr", "gamma"), "xm")
                .node("Add", "/gn/add", List.of("xm", "beta"), "xa")
                .node("Tanh", "/act", List.of("xa"), "t")
                .node("Flatten", "/flat", List.of("t"), "y");
        return m.output("y");
    }

    /**
     * Self-attention over 4 tokens of width 6 with a residual, as torch writes it: with several
     * heads, q/k/v are reshaped to [N, 4, heads, 6 / heads] and transposed to put heads first.
     */
    public static OnnxModelBuilder attention(int heads) {
        SplittableRandom rnd = new SplittableRandom(37);
        int d = 6 / heads;
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializerLongs("split", 0, 4, heads, d);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x");
        java.util.Map<String, String> per = new java.util.HashMap<>();
        for (String p : List.of("q", "k", "v")) {
            m.initializer("w" + p, new int[] {6, 6}, uniform(rnd, 36));
            m.node("MatMul", "/" + p, List.of("x", "w" + p), p);
            boolean k = p.equals("k");
            if (heads > 1) {
                m.node("Reshape", "/" + p + "/split", List.of(p, "split"), p + "s");
                m.node("Transpose", "/" + p + "/heads", List.of(p + "s"), p + "h",
                        Attr.ints("perm", 0, 2, k ? 3 : 1, k ? 1 : 3));
            } else if (k) {
                m.node("Transpose", "/kt", List.of("k"), "kh", Attr.ints("perm", 0, 2, 1));
            }
            per.put(p, heads > 1 || k ? p + "h" : p);
        }
        m.constant("scale", new int[0], (float) (1 / Math.sqrt(d)));
        m.node("MatMul", "/scores", List.of(per.get("q"), per.get("k")), "scores")
                .node("Mul", "/scaled", List.of("scores", "scale"), "scaled")
                .node("Softmax", "/softmax", List.of("scaled"), "attn", Attr.i("axis", -1))
                .node("MatMul", "/mix", List.of("attn", per.get("v")), "oh");
        String o = "oh";
        if (heads > 1) {
            m.node("Transpose", "/merge", List.of("oh"), "om", Attr.ints("perm", 0, 2, 1, 3))
                    .node("Reshape", "/o", List.of("om", "tokens"), "o");
            o = "o";
        }
        m.node("Add", "/residual", List.of(o, "x"), "res")
                .node("Flatten", "/flat", List.of("res"), "y");
        return m.output("y");
    }

    /** LayerNormalization (opset 17) over tokens [N, 4, 6] from the given axis, then Tanh. */
    public static OnnxModelBuilder layerNorm(int axis, boolean withBias) {
        SplittableRandom rnd = new SplittableRandom(43);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        int[] normalized = axis == 1 ? new int[] {4, 6} : new int[] {6};
        int count = axis == 1 ? 24 : 6;
        m.initializerLongs("tokens", 0, 4, 6).initializer("gamma", normalized, uniform(rnd, count));
        m.initializer("beta", normalized, uniform(rnd, count));
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("LayerNormalization", "/ln", withBias ? List.of("x", "gamma", "beta") : List.of("x", "gamma"), "xn",
                        Attr.i("axis", axis), Attr.f("epsilon", 1e-5))
                .node("Tanh", "/act", List.of("xn"), "t")
                .node("Flatten", "/flat", List.of("t"), "y");
        return m.output("y");
    }

    /** GroupNormalization, 2 groups of [N, 4, 3, 3]: per-channel scale (opset 21) or per-group (18). */
    public static OnnxModelBuilder groupNormalization(int opset) {
        SplittableRandom rnd = new SplittableRandom(47);
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 36);
        int n = opset >= 21 ? 4 : 2;
        m.initializerLongs("img", 0, 4, 3, 3).initializer("gamma", new int[] {n}, uniform(rnd, n))
                .initializer("beta", new int[] {n}, uniform(rnd, n));
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("GroupNormalization", "/gn", List.of("x", "gamma", "beta"), "xn", Attr.i("num_groups", 2),
                        Attr.f("epsilon", 1e-5))
                .node("Tanh", "/act", List.of("xn"), "t")
                .node("Flatten", "/flat", List.of("t"), "y");
        return m.output("y");
    }

    /** Clip as ReLU6 (both bounds), then as max(x, -1) (lower bound only), opset 13 inputs. */
    static OnnxModelBuilder clipped() {
        SplittableRandom rnd = new SplittableRandom(53);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 30);
        m.constant("zero", new int[0], 0f).constant("six", new int[0], 6f).constant("minus1", new int[0], -1f);
        m.constant("k", new int[0], 8f);
        m.node("Mul", "/scale", List.of(h, "k"), "hs")
                .node("Clip", "/relu6", List.of("hs", "zero", "six"), "c6");
        String g = ModelZoo.linear(m, rnd, "/fc2", "c6", 30, 12);
        m.node("Clip", "/floor", List.of(g, "minus1"), "y");
        return m.output("y");
    }

    /** A conv with nn.PReLU(3) (slope [3, 1, 1]) as torch exports it. */
    static OnnxModelBuilder prelu() {
        SplittableRandom rnd = new SplittableRandom(59);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2, 4, 4);
        m.initializer("w", new int[] {3, 2, 3, 3}, uniform(rnd, 54));
        m.initializer("slope", new int[] {3, 1, 1}, new float[] {0.25f, -0.5f, 0.1f});
        m.node("Conv", "/conv", List.of("z", "w"), "c", Attr.ints("pads", 1, 1, 1, 1))
                .node("PRelu", "/prelu", List.of("c", "slope"), "y");
        return m.output("y");
    }

    /**
     * nn.Upsample(scale_factor=(2, 3), mode="bilinear") between a conv and a Tanh, as Resize (opset
     * 11+) with the given coordinate mode, or as Upsample mode linear at opset 9.
     */
    public static OnnxModelBuilder bilinear(String coords, int opset) {
        SplittableRandom rnd = new SplittableRandom(67);
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 2, 3, 4);
        m.initializer("w", new int[] {2, 2, 3, 3}, uniform(rnd, 36));
        m.initializer("scales", new int[] {4}, new float[] {1, 1, 2, 3});
        m.node("Conv", "/conv", List.of("z", "w"), "c", Attr.ints("pads", 1, 1, 1, 1));
        if (opset < 11) {
            m.node("Upsample", "/up", List.of("c", "scales"), "u", Attr.s("mode", "linear"));
        } else {
            m.node("Resize", "/up", List.of("c", "", "scales"), "u", Attr.s("mode", "linear"),
                    Attr.s("coordinate_transformation_mode", coords));
        }
        m.node("Tanh", "/act", List.of("u"), "y");
        return m.output("y");
    }

    /**
     * Conv forms run through one dense 2-D conv: grouped (2 groups), depthwise (group = C),
     * grouped ConvTranspose, and Conv1d / ConvTranspose1d with stride, padding and dilation; 3-D
     * ones through one 2-D conv per output frame.
     */
    public static Map<String, OnnxModelBuilder> convVariants() {
        SplittableRandom rnd = new SplittableRandom(73);
        Map<String, OnnxModelBuilder> m = new LinkedHashMap<>();
        m.put("conv-grouped", conv2d(rnd, "Conv", new int[] {6, 2, 3, 3}, 2, new int[] {4, 5, 5}));
        m.put("conv-depthwise", conv2d(rnd, "Conv", new int[] {4, 1, 3, 3}, 4, new int[] {4, 5, 5}));
        m.put("convT-grouped", conv2d(rnd, "ConvTranspose", new int[] {4, 3, 3, 3}, 2, new int[] {4, 3, 3}));
        OnnxModelBuilder c1 = new OnnxModelBuilder(17).input("z", 3, 9);
        c1.initializer("w", new int[] {4, 3, 3}, uniform(rnd, 36)).initializer("b", new int[] {4}, uniform(rnd, 4));
        c1.initializer("wt", new int[] {4, 2, 4}, uniform(rnd, 32));
        c1.node("Conv", "/conv1d", List.of("z", "w", "b"), "c", Attr.ints("strides", 2), Attr.ints("pads", 1, 2),
                        Attr.ints("dilations", 2))
                .node("Tanh", "/t", List.of("c"), "t")
                .node("ConvTranspose", "/convT1d", List.of("t", "wt"), "y", Attr.ints("strides", 2),
                        Attr.ints("pads", 1, 0), Attr.ints("output_padding", 1));
        m.put("conv1d", c1.output("y"));
        // Conv3d (grouped, strided and dilated along T, uneven pads) then ConvTranspose3d
        OnnxModelBuilder c3 = new OnnxModelBuilder(17).input("z", 2, 5, 4, 4);
        c3.initializer("w", new int[] {4, 1, 3, 3, 3}, uniform(rnd, 108))
                .initializer("b", new int[] {4}, uniform(rnd, 4))
                .initializer("wt", new int[] {4, 3, 2, 3, 3}, uniform(rnd, 216))
                .initializer("bt", new int[] {3}, uniform(rnd, 3))
                .node("Conv", "/conv3d", List.of("z", "w", "b"), "c", Attr.i("group", 2), Attr.ints("strides", 2, 1, 1),
                        Attr.ints("pads", 1, 1, 0, 1, 1, 1), Attr.ints("dilations", 2, 1, 1))
                .node("Tanh", "/t", List.of("c"), "t")
                .node("ConvTranspose", "/convT3d", List.of("t", "wt", "bt"), "y", Attr.ints("strides", 2, 2, 1),
                        Attr.ints("pads", 0, 1, 1, 1, 0, 1), Attr.ints("output_padding", 1, 1, 0));
        m.put("conv3d", c3.output("y"));
        // a 3D-GAN voxel generator's start: 1 x 1 x 1 -> 4^3 -> 8^3
        OnnxModelBuilder v = new OnnxModelBuilder(17).input("z", 3, 1, 1, 1);
        v.initializer("w1", new int[] {3, 4, 4, 4, 4}, uniform(rnd, 768))
                .initializer("w2", new int[] {4, 2, 4, 4, 4}, uniform(rnd, 512))
                .node("ConvTranspose", "/up1", List.of("z", "w1"), "a")
                .node("Relu", "/relu", List.of("a"), "r")
                .node("ConvTranspose", "/up2", List.of("r", "w2"), "u", Attr.ints("strides", 2, 2, 2),
                        Attr.ints("pads", 1, 1, 1, 1, 1, 1))
                .node("Sigmoid", "/voxels", List.of("u"), "y");
        m.put("convT3d-voxels", v.output("y"));
        return m;
    }

    private static OnnxModelBuilder conv2d(SplittableRandom rnd, String op, int[] w, int groups, int[] in) {
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", in);
        m.initializer("w", w, uniform(rnd, (int) io.geomlens.graph.Tensor.count(w)));
        m.node(op, "/conv", List.of("z", "w"), "c", Attr.i("group", groups), Attr.ints("pads", 1, 1, 1, 1))
                .node("Tanh", "/t", List.of("c"), "y");
        return m.output("y");
    }

    /**
     * Slices of latent-dependent tokens [N, 4, 6]: x[:, :, 1:5] (Slice, opset 13 inputs) and
     * torch.split(x, [1, 3], dim=1) (Split with sizes), joined again by a Concat.
     */
    public static OnnxModelBuilder slices() {
        SplittableRandom rnd = new SplittableRandom(79);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializerLongs("st", 0, 1).initializerLongs("en", Long.MAX_VALUE, 5)
                .initializerLongs("ax", 0, 2).initializerLongs("sizes", 1, 3);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("Slice", "/cols", List.of("x", "st", "en", "ax"), "a")
                .node("Tanh", "/t", List.of("a"), "at")
                .node("Flatten", "/fa", List.of("at"), "af");
        m.graphNode("Split", "/rows", List.of("x", "sizes"), List.of("b0", "b1"), Attr.i("axis", 1));
        m.node("Mul", "/sq", List.of("b1", "b1"), "b2")
                .node("Flatten", "/fb", List.of("b2"), "bf")
                .node("Flatten", "/f0", List.of("b0"), "b0f")
                .node("Concat", "/cat", List.of("af", "bf", "b0f"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /** nn.LayerNorm(6) as torch exports it below opset 17: mean, centre, Pow 2, mean, + eps, Sqrt, Div, affine. */
    public static OnnxModelBuilder layerNormDecomposed() {
        SplittableRandom rnd = new SplittableRandom(89);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializer("gamma", new int[] {6}, uniform(rnd, 6))
                .initializer("beta", new int[] {6}, uniform(rnd, 6));
        m.constant("two", new int[0], 2f).constant("eps", new int[0], 1e-5f);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("ReduceMean", "/ln/mean", List.of("x"), "mu", Attr.ints("axes", -1))
                .node("Sub", "/ln/sub", List.of("x", "mu"), "d")
                .node("Pow", "/ln/pow", List.of("d", "two"), "d2")
                .node("ReduceMean", "/ln/var", List.of("d2"), "var", Attr.ints("axes", -1))
                .node("Add", "/ln/add", List.of("var", "eps"), "ve")
                .node("Sqrt", "/ln/sqrt", List.of("ve"), "sd")
                .node("Div", "/ln/div", List.of("d", "sd"), "xn")
                .node("Mul", "/ln/mul", List.of("xn", "gamma"), "xg")
                .node("Add", "/ln/add_1", List.of("xg", "beta"), "xb")
                .node("Tanh", "/act", List.of("xb"), "t")
                .node("Flatten", "/flat", List.of("t"), "y");
        return m.output("y");
    }

    /** StyleGAN's PixelNorm x / sqrt(mean(x^2) + 1e-8) (with Reciprocal), then LeakyReLU and a linear layer. */
    public static OnnxModelBuilder pixelNorm() {
        SplittableRandom rnd = new SplittableRandom(97);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 16);
        m.constant("eps", new int[0], 1e-8f);
        m.node("Mul", "/pn/sq", List.of("z", "z"), "z2")
                .node("ReduceMean", "/pn/mean", List.of("z2"), "ms", Attr.ints("axes", 1))
                .node("Add", "/pn/add", List.of("ms", "eps"), "mse")
                .node("Sqrt", "/pn/sqrt", List.of("mse"), "rms")
                .node("Reciprocal", "/pn/inv", List.of("rms"), "inv")
                .node("Mul", "/pn/mul", List.of("z", "inv"), "w");
        String h = ModelZoo.linear(m, rnd, "/map0", "w", 16, 20);
        m.node("LeakyRelu", "/map0/act", List.of(h), "a", Attr.f("alpha", 0.2));
        return m.output(ModelZoo.linear(m, rnd, "/map1", "a", 20, 12));
    }

    /** ReduceSum (opset 18: axes as an input) without keepdims and a two-axis ReduceMean. */
    public static OnnxModelBuilder reductions() {
        SplittableRandom rnd = new SplittableRandom(101);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("shape", 0, 2, 3, 4).initializerLongs("last", -1).initializerLongs("two", 1, 3)
                .initializerLongs("row", 0, 1, 3);
        m.node("Reshape", "/r", List.of(h, "shape"), "x")
                .node("Tanh", "/t", List.of("x"), "t")
                .node("ReduceSum", "/sum", List.of("t", "last"), "s", Attr.i("keepdims", 0))
                .node("ReduceMean", "/mean", List.of("x", "two"), "mu")
                .node("Reshape", "/mu_row", List.of("mu", "row"), "mr")
                .node("Mul", "/mix", List.of("s", "mr"), "sm")
                .node("Flatten", "/flat", List.of("sm"), "y");
        return m.output("y");
    }

    /** A conditional generator: z [N, 8] and an int64 label [N] (10 classes, embedding 4) -> 16. */
    public static OnnxModelBuilder conditional() {
        return ModelZoo.conditionalMlp(103, 10, 4, 8, 24, 16);
    }

    /**
     * z.view(n, 6, 1, 1).expand(-1, -1, 3, 4) as torch writes it without constant folding (the -1
     * entries become 1 through ConstantOfShape, Mul, Equal, Where) into a conv, then a [N, 1, 24]
     * row expanded to [N, 2, 24].
     */
    public static OnnxModelBuilder expanded() {
        SplittableRandom rnd = new SplittableRandom(107);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 6);
        m.initializerLongs("img", 0, 6, 1, 1).initializerLongs("size", -1, -1, 3, 4).initializerLongs("minus1", -1)
                .initializer("w", new int[] {2, 6, 3, 3}, uniform(rnd, 108)).initializerLongs("rows", 0, 1, 24)
                .initializerLongs("two", 1, 2, 1);
        m.node("Shape", "/size/Shape", List.of("size"), "rank")
                .node("ConstantOfShape", "/size/ones", List.of("rank"), "ones", Attr.tensor("value",
                        io.geomlens.onnx.OnnxModelBuilder.longTensor("one", 1)))
                .node("Mul", "/size/neg", List.of("ones", "minus1"), "negs")
                .node("Equal", "/size/eq", List.of("size", "negs"), "isneg")
                .node("Where", "/size/where", List.of("isneg", "ones", "size"), "to");
        m.node("Reshape", "/r", List.of("z", "img"), "zi")
                .node("Expand", "/expand", List.of("zi", "to"), "ze")
                .node("Conv", "/conv", List.of("ze", "w"), "c", Attr.ints("pads", 1, 1, 1, 1))
                .node("Tanh", "/t", List.of("c"), "t")
                .node("Reshape", "/row", List.of("t", "rows"), "tr")
                .node("Expand", "/twice", List.of("tr", "two"), "tt")
                .node("Sigmoid", "/s", List.of("tt"), "y");
        return m.output("y");
    }

    /** F.pad(x, (2, 1, 1, 0)) before a conv (pads as an input from opset 11, an attribute before). */
    public static OnnxModelBuilder padded(int opset) {
        SplittableRandom rnd = new SplittableRandom(109);
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 2, 3, 4);
        m.initializer("w", new int[] {3, 2, 3, 3}, uniform(rnd, 54)).initializerLongs("pads", 0, 0, 1, 2, 0, 0, 0, 1);
        if (opset >= 11) {
            m.node("Pad", "/pad", List.of("z", "pads"), "p");
        } else {
            m.node("Pad", "/pad", List.of("z"), "p", Attr.ints("pads", 0, 0, 1, 2, 0, 0, 0, 1));
        }
        m.node("Conv", "/conv", List.of("p", "w"), "c").node("Tanh", "/t", List.of("c"), "y");
        return m.output("y");
    }

    /** Sub-pixel upsampling: DepthToSpace in mode CRD (torch's PixelShuffle), a conv, then mode DCR. */
    public static OnnxModelBuilder pixelShuffled() {
        SplittableRandom rnd = new SplittableRandom(137);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8, 3, 3);
        m.initializer("w", new int[] {4, 2, 3, 3}, uniform(rnd, 72))
                .node("DepthToSpace", "/shuffle", List.of("z"), "s", Attr.i("blocksize", 2), Attr.s("mode", "CRD"))
                .node("Conv", "/conv", List.of("s", "w"), "c", Attr.ints("pads", 1, 1, 1, 1))
                .node("Tanh", "/t", List.of("c"), "a")
                .node("DepthToSpace", "/dcr", List.of("a"), "d", Attr.i("blocksize", 2))
                .node("Sigmoid", "/s", List.of("d"), "y");
        return m.output("y");
    }

    /**
     * ReflectionPad2d((3, 1, 1, 2)) before a conv, then ReplicationPad2d((1, 3, 2, 0)) before another
     * (CycleGAN-style generators): pads as an input, modes reflect and edge.
     */
    public static OnnxModelBuilder borderPadded() {
        SplittableRandom rnd = new SplittableRandom(131);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2, 4, 5);
        m.initializer("w1", new int[] {3, 2, 3, 3}, uniform(rnd, 54))
                .initializer("w2", new int[] {2, 3, 3, 3}, uniform(rnd, 54))
                .initializerLongs("p1", 0, 0, 1, 3, 0, 0, 2, 1).initializerLongs("p2", 0, 0, 2, 1, 0, 0, 0, 3)
                .node("Pad", "/reflect", List.of("z", "p1"), "r", Attr.s("mode", "reflect"))
                .node("Conv", "/conv1", List.of("r", "w1"), "c1").node("Tanh", "/t1", List.of("c1"), "a1")
                .node("Pad", "/edge", List.of("a1", "p2"), "e", Attr.s("mode", "edge"))
                .node("Conv", "/conv2", List.of("e", "w2"), "c2").node("Sigmoid", "/s", List.of("c2"), "y");
        return m.output("y");
    }

    /**
     * Elementary functions of latent-dependent values: sin, cos, exp, log, neg, a float Cast and an
     * inference Dropout (identity), e.g. a Fourier-feature decoder.
     */
    public static OnnxModelBuilder elementary() {
        SplittableRandom rnd = new SplittableRandom(113);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 5);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 5, 12);
        m.constant("one", new int[0], 1f).constant("ratio", new int[0], 0.1f);
        m.node("Sin", "/sin", List.of(h), "s").node("Cos", "/cos", List.of(h), "c")
                .node("Neg", "/neg", List.of(h), "nh").node("Exp", "/exp", List.of("nh"), "e")
                .node("Add", "/add", List.of("e", "one"), "e1").node("Log", "/log", List.of("e1"), "l")
                .node("Mul", "/sc", List.of("s", "c"), "sc").node("Add", "/sum", List.of("sc", "l"), "u")
                .node("Cast", "/cast", List.of("u"), "uc", Attr.i("to", 1))
                .node("Dropout", "/drop", List.of("uc", "ratio"), "y");
        return m.output("y");
    }

    /** x[:, 2] (a scalar index: the axis goes) and x[:, :, [3, 0, 3]] (a list) of latent tokens [N, 4, 6]. */
    public static OnnxModelBuilder gathered() {
        SplittableRandom rnd = new SplittableRandom(127);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializerLongs("pick", 3, 0, 3).constantLong("two", 2);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("Gather", "/row", List.of("x", "two"), "r", Attr.i("axis", 1))
                .node("Gather", "/cols", List.of("x", "pick"), "c", Attr.i("axis", 2))
                .node("Tanh", "/t", List.of("c"), "ct")
                .node("Flatten", "/f", List.of("ct"), "cf")
                .node("Concat", "/cat", List.of("r", "cf"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /** HardSigmoid (alpha 0.3, beta 0.4), HardSwish and Mish (opset 18 ops) in an MLP. */
    public static OnnxModelBuilder hardAndMish() {
        SplittableRandom rnd = new SplittableRandom(131);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc0", "z", 6, 20);
        m.constant("k", new int[0], 5f).node("Mul", "/wide", List.of(h, "k"), "hk")
                .node("HardSwish", "/hswish", List.of("hk"), "a");
        String g = ModelZoo.linear(m, rnd, "/fc1", "a", 20, 16);
        m.node("Mish", "/mish", List.of(g), "b");
        String f = ModelZoo.linear(m, rnd, "/fc2", "b", 16, 10);
        m.node("Mul", "/wide2", List.of(f, "k"), "fk")
                .node("HardSigmoid", "/hsig", List.of("fk"), "y", Attr.f("alpha", 0.3), Attr.f("beta", 0.4));
        return m.output("y");
    }

    /** MLP-Mixer token mixing: W [5, 4] @ x [N, 4, 6] (constant on the left), then Tanh. */
    public static OnnxModelBuilder tokenMixing() {
        SplittableRandom rnd = new SplittableRandom(137);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializer("mix", new int[] {5, 4}, uniform(rnd, 20));
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("MatMul", "/mix", List.of("mix", "x"), "mx")
                .node("Tanh", "/t", List.of("mx"), "t")
                .node("Flatten", "/f", List.of("t"), "y");
        return m.output("y");
    }

    /**
     * Attention written with Einsum as CompVis' LDM code does: q, k, v by "bij,kj->bik" with
     * constant [out, in] weights, scores "bid,bjd->bij" (or "bhid,bhjd->bhij" with heads), softmax,
     * then "bij,bjd->bid" ("bhij,bhjd->bhid").
     */
    public static OnnxModelBuilder einsumAttention(int heads) {
        SplittableRandom rnd = new SplittableRandom(139);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 24);
        m.initializerLongs("tokens", 0, 4, 6).initializerLongs("split", 0, 4, heads, 6 / heads)
                .initializerLongs("merge", 0, 4, 6);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x");
        for (String p : List.of("q", "k", "v")) {
            m.initializer("w" + p, new int[] {6, 6}, uniform(rnd, 36));
            m.node("Einsum", "/" + p, List.of("x", "w" + p), p, Attr.s("equation", "bij,kj->bik"));
            if (heads > 1) {
                m.node("Reshape", "/" + p + "/split", List.of(p, "split"), p + "s")
                        .node("Transpose", "/" + p + "/heads", List.of(p + "s"), p + "h", Attr.ints("perm", 0, 2, 1, 3));
            }
        }
        String pre = heads > 1 ? "h" : "";
        String sc = heads > 1 ? "bhid,bhjd->bhij" : "bid,bjd->bij";
        String mix = heads > 1 ? "bhij,bhjd->bhid" : "bij,bjd->bid";
        m.node("Einsum", "/scores", List.of("q" + pre, "k" + pre), "s", Attr.s("equation", sc))
                .node("Softmax", "/softmax", List.of("s"), "a", Attr.i("axis", -1))
                .node("Einsum", "/mix", List.of("a", "v" + pre), "o", Attr.s("equation", mix));
        String o = "o";
        if (heads > 1) {
            m.node("Transpose", "/merge", List.of("o"), "om", Attr.ints("perm", 0, 2, 1, 3))
                    .node("Reshape", "/merged", List.of("om", "merge"), "oo");
            o = "oo";
        }
        m.node("Add", "/res", List.of(o, "x"), "r").node("Flatten", "/f", List.of("r"), "y");
        return m.output("y");
    }

    /**
     * Opset 23's Attention: Q = tokens [N, qHeads, L = 3, 4] from a Linear ([N, 3, qHeads * 4] when
     * heads4d is 0), K and V its first kvHeads heads, scaled or squashed; mask "bool", "float" or null.
     */
    public static OnnxModelBuilder attention23(int qHeads, int kvHeads, int heads4d, Attr[] attrs, String mask) {
        SplittableRandom rnd = new SplittableRandom(37);
        boolean threeD = heads4d == 0;
        OnnxModelBuilder m = new OnnxModelBuilder(23).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, qHeads * 12);
        int kvWidth = kvHeads * 4;
        m.initializerLongs("qshape", threeD ? new long[] {0, 3, qHeads * 4} : new long[] {0, qHeads, 3, 4})
                .node("Reshape", "/q", List.of(h, "qshape"), "q")
                .initializerLongs("start", 0).initializerLongs("end", threeD ? kvWidth : kvHeads)
                .initializerLongs("axis", threeD ? 2 : 1)
                .node("Slice", "/kv", List.of("q", "start", "end", "axis"), "kv")
                .initializer("kscale", new int[] {threeD ? kvWidth : 4},
                        ModelZoo.uniform(rnd, threeD ? kvWidth : 4, 1))
                .node("Mul", "/k", List.of("kv", "kscale"), "k").node("Tanh", "/v", List.of("kv"), "v");
        List<String> inputs = new java.util.ArrayList<>(List.of("q", "k", "v"));
        if ("bool".equals(mask)) {
            m.initializerBools("mask", new int[] {3, 3}, true, false, true, true, true, false, false, true, true);
            inputs.add("mask");
        } else if ("float".equals(mask)) {
            m.initializer("mask", new int[] {3, 3}, new float[] {0, -1, 0.5f, 0, 0, -2, 1, 0, 0});
            inputs.add("mask");
        }
        m.graphNode("Attention", "/attention", inputs, List.of("y"), attrs);
        return m.output("y");
    }

    /** nn.RMSNorm after a Linear to tokens [N, 3, 4], as opset 23's RMSNormalization, then Tanh. */
    public static OnnxModelBuilder rmsNorm() {
        SplittableRandom rnd = new SplittableRandom(157);
        OnnxModelBuilder m = new OnnxModelBuilder(23).input("z", 5);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 5, 12);
        m.initializerLongs("tokens", 0, 3, 4).initializer("g", new int[] {4}, uniform(rnd, 4))
                .node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("RMSNormalization", "/rms", List.of("x", "g"), "n", Attr.f("epsilon", 1e-6))
                .node("Tanh", "/t", List.of("n"), "y");
        return m.output("y");
    }

    /** Tile of latent tokens [N, 2, 3] by (1, 2, 3), then Tanh: each token used six times. */
    public static OnnxModelBuilder tiled() {
        SplittableRandom rnd = new SplittableRandom(149);
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("z", 5);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 5, 6);
        m.initializerLongs("tokens", 0, 2, 3).initializerLongs("reps", 1, 2, 3);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x").node("Tile", "/tile", List.of("x", "reps"), "t")
                .node("Tanh", "/act", List.of("t"), "y");
        return m.output("y");
    }

    /** Every model, kinks included: for comparing backends. */
    public static Map<String, OnnxModelBuilder> all() {
        Map<String, OnnxModelBuilder> m = smooth();
        m.put("mlp-relu", ModelZoo.mlp(4, "Relu", 16, 64, 64, 40));
        m.put("conv-decoder", ModelZoo.convDecoder(5, 12));
        m.put("dcgan-small", ModelZoo.dcgan(6, 20, 4, 3));
        m.put("upsample-convT", upsampleConvT());
        m.put("relu6-hardtanh", clipped());
        m.put("stylegan-lite", io.geomlens.onnx.StyleGanLite.build(151, 8, 4));
        m.put("prelu-conv", prelu());
        m.put("hard-mish", hardAndMish());
        m.put("normalize-softsign", ExportPatterns.normsAndAbs());
        m.put("max-pooling", ExportPatterns.maxPooled());
        m.put("pooling-3d", ExportPatterns.pooling3d());
        m.putAll(convVariants());
        return m;
    }

    static OnnxModelBuilder convMixed() {
        SplittableRandom rnd = new SplittableRandom(23);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 2, 4, 4);
        m.initializer("cw", new int[] {3, 2, 3, 3}, uniform(rnd, 54));
        m.node("Conv", "/conv", List.of("z", "cw"), "c", Attr.ints("pads", 1, 1, 1, 1));
        m.initializer("s", new int[] {4}, new float[] {1, 1, 2, 2});
        m.node("Resize", "/resize", List.of("c", "", "s"), "r");
        m.node("Tanh", "/tanh", List.of("r"), "t");
        m.node("Mul", "/sq", List.of("t", "r"), "q");
        m.node("Sigmoid", "/sig", List.of("r"), "sg");
        m.node("Div", "/div", List.of("q", "sg"), "d");
        m.node("Sub", "/sub", List.of("d", "t"), "e");
        m.node("Flatten", "/flat", List.of("e"), "f");
        m.initializer("mw", new int[] {192, 9}, uniform(rnd, 192 * 9));
        m.node("MatMul", "/mm", List.of("f", "mw"), "y");
        return m.output("y");
    }

    /** Two branches joined on the feature axis, then a conv whose input is channel-concatenated. */
    static OnnxModelBuilder concatBranches() {
        SplittableRandom rnd = new SplittableRandom(29);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String a = ModelZoo.linear(m, rnd, "/a", "z", 6, 18);
        String b = ModelZoo.linear(m, rnd, "/b", "z", 6, 18);
        m.node("Tanh", "/a/Tanh", List.of(a), "ta").node("Sigmoid", "/b/Sigmoid", List.of(b), "sb")
                .node("Concat", "/cat", List.of("ta", "sb", "ta"), "c", Attr.i("axis", 1));
        m.initializerLongs("shape", -1, 6, 3, 3);
        m.node("Reshape", "/r", List.of("c", "shape"), "img");
        m.node("Concat", "/cat2", List.of("img", "img"), "img2", Attr.i("axis", -3));
        m.initializer("w", new int[] {2, 12, 2, 2}, uniform(rnd, 96));
        m.node("Conv", "/conv", List.of("img2", "w"), "y");
        return m.output("y");
    }

    static OnnxModelBuilder upsampleConvT() {
        SplittableRandom rnd = new SplittableRandom(19);
        OnnxModelBuilder m = new OnnxModelBuilder(9).input("z", 3, 4, 4);
        m.initializer("scales", new int[] {4}, new float[] {1, 1, 2, 2});
        m.node("Upsample", "/up", List.of("z", "scales"), "u");
        m.initializer("tw", new int[] {3, 2, 3, 3}, uniform(rnd, 54));
        m.initializer("tb", new int[] {2}, uniform(rnd, 2));
        m.node("ConvTranspose", "/convT", List.of("u", "tw", "tb"), "v", Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 1, 0, 0), Attr.ints("output_padding", 1, 0));
        m.node("LeakyRelu", "/lrelu", List.of("v"), "y", Attr.f("alpha", 0.1));
        return m.output("y");
    }

    static float[] uniform(SplittableRandom rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return f;
    }

    /** Two Gemms with weights 1e20 I (n x n): J = 1e40 I, finite in float64, infinite in float32. */
    public static OnnxModelBuilder float32Overflow(int n) {
        float[] big = new float[n * n];
        for (int i = 0; i < n; i++) {
            big[i * n + i] = 1e20f;
        }
        return new OnnxModelBuilder(17).input("z", n).initializer("A", new int[] {n, n}, big)
                .node("Gemm", "/l1", List.of("z", "A"), "h", Attr.i("transB", 1))
                .node("Gemm", "/l2", List.of("h", "A"), "y", Attr.i("transB", 1)).output("y");
    }
}
