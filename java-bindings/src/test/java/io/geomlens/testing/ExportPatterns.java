package io.geomlens.testing;

import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Models written as torch.onnx.export (1.13, opset 17) writes some common modules, found by
 * exporting them: average and max pooling, F.normalize, nn.Softsign, torch.var, spectral_norm, chunk
 * and interpolation beyond integer upsampling.
 */
public final class ExportPatterns {
    private ExportPatterns() {}

    /**
     * F.avg_pool2d(x, 3, 2, padding=1, count_include_pad=False), F.avg_pool2d(x, 2, 1, padding=1)
     * (padded cells count, torch's default), AvgPool1d over the rows, F.adaptive_avg_pool2d(x, 1)
     * (GlobalAveragePool) and ceil_mode's partial windows (with and without counted padding), joined.
     */
    public static OnnxModelBuilder pooling() {
        SplittableRandom rnd = new SplittableRandom(163);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 50);
        m.initializerLongs("img", 0, 2, 5, 5).initializerLongs("rows", 0, 10, 5);
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("Tanh", "/t", List.of("x"), "t")
                .node("AveragePool", "/pool_excl", List.of("t"), "a", Attr.ints("kernel_shape", 3, 3),
                        Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1), Attr.i("count_include_pad", 0))
                .node("AveragePool", "/pool_incl", List.of("t"), "b", Attr.ints("kernel_shape", 2, 2),
                        Attr.ints("pads", 1, 0, 0, 1), Attr.i("count_include_pad", 1))
                .node("Reshape", "/r1", List.of("t", "rows"), "t1")
                .node("AveragePool", "/pool1d", List.of("t1"), "c", Attr.ints("kernel_shape", 2),
                        Attr.ints("strides", 2), Attr.ints("pads", 1, 0))
                .node("GlobalAveragePool", "/gap", List.of("t"), "g")
                .node("AveragePool", "/ceil", List.of("t"), "d", Attr.ints("kernel_shape", 2, 2),
                        Attr.ints("strides", 2, 2), Attr.i("ceil_mode", 1))
                .node("AveragePool", "/ceil_pad", List.of("t"), "e", Attr.ints("kernel_shape", 3, 3),
                        Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 0, 0), Attr.i("ceil_mode", 1),
                        Attr.i("count_include_pad", 1))
                .node("Flatten", "/fa", List.of("a"), "af").node("Flatten", "/fb", List.of("b"), "bf")
                .node("Flatten", "/fc1", List.of("c"), "cf").node("Flatten", "/fg", List.of("g"), "gf")
                .node("Flatten", "/fd", List.of("d"), "df").node("Flatten", "/fe", List.of("e"), "ef")
                .node("Concat", "/cat", List.of("af", "bf", "cf", "gf", "df", "ef"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * F.normalize(h, dim=1) (ReduceL2, Clip at eps, Expand to h's Shape, Div), nn.Softsign
     * (h / (1 + Abs(h))) and a ReduceSumSquare, joined. Abs has a kink: not for finite differences.
     */
    public static OnnxModelBuilder normsAndAbs() {
        SplittableRandom rnd = new SplittableRandom(167);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 12);
        m.constant("eps", new int[0], 1e-12f).constant("one", new int[0], 1f).initializerLongs("groups", 0, 3, 4);
        m.node("ReduceL2", "/l2", List.of(h), "n", Attr.ints("axes", 1), Attr.i("keepdims", 1))
                .node("Clip", "/clip", List.of("n", "eps"), "nc")
                .node("Shape", "/shape", List.of(h), "hs")
                .node("Expand", "/expand", List.of("nc", "hs"), "ne")
                .node("Div", "/normalize", List.of(h, "ne"), "u")
                .node("Abs", "/abs", List.of(h), "ha")
                .node("Add", "/add", List.of("ha", "one"), "den")
                .node("Div", "/softsign", List.of(h, "den"), "s")
                .node("Reshape", "/r", List.of(h, "groups"), "hg")
                .node("ReduceSumSquare", "/ss", List.of("hg"), "q", Attr.ints("axes", -1), Attr.i("keepdims", 0))
                .node("Concat", "/cat", List.of("u", "s", "q"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * nn.utils.spectral_norm(nn.Linear(8, 10)) in eval mode (W / (u . (W v)) from the stored u and
     * v: MatMuls of constants) and (h - mean) / sqrt(h.var(1) + eps), whose element count torch takes
     * from Shape through ReduceProd.
     */
    public static OnnxModelBuilder constantFolds() {
        SplittableRandom rnd = new SplittableRandom(173);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 8);
        m.initializer("w_orig", new int[] {10, 8}, TestModels.uniform(rnd, 80))
                .initializer("w_u", new int[] {10}, TestModels.uniform(rnd, 10))
                .initializer("w_v", new int[] {8}, TestModels.uniform(rnd, 8))
                .initializer("bias", new int[] {10}, TestModels.uniform(rnd, 10));
        m.constant("eps", new int[0], 1e-5f).constant("one", new int[0], 1f).constantLong("axis1", 1);
        m.node("MatMul", "/wv", List.of("w_orig", "w_v"), "wv")
                .node("MatMul", "/sigma", List.of("w_u", "wv"), "sigma")
                .node("Div", "/w_sn", List.of("w_orig", "sigma"), "w")
                .node("Gemm", "/fc", List.of("z", "w", "bias"), "h", Attr.i("transB", 1))
                .node("ReduceMean", "/mean", List.of("h"), "mu", Attr.ints("axes", 1))
                .node("Sub", "/centre", List.of("h", "mu"), "d")
                .node("Mul", "/sq", List.of("d", "d"), "d2")
                .node("ReduceMean", "/pop_var", List.of("d2"), "pv", Attr.ints("axes", 1))
                .node("Shape", "/shape", List.of("h"), "hs")
                .node("Gather", "/width", List.of("hs", "axis1"), "width", Attr.i("axis", 0))
                .node("ReduceProd", "/numel", List.of("width"), "count", Attr.i("keepdims", 0))
                .node("Cast", "/cast", List.of("count"), "cf", Attr.i("to", 1))
                .node("Mul", "/sum_sq", List.of("pv", "cf"), "ss")
                .node("Sub", "/dof", List.of("cf", "one"), "dof")
                .node("Div", "/var", List.of("ss", "dof"), "var")
                .node("Add", "/var_eps", List.of("var", "eps"), "ve")
                .node("Sqrt", "/std", List.of("ve"), "sd")
                .node("Div", "/standardize", List.of("d", "sd"), "n")
                .node("Tanh", "/t", List.of("n"), "y");
        return m.output("y");
    }

    /**
     * q, k, v = h.chunk(3, -1) on h [N, 4, 24] as torch writes it: the width of a chunk is (24 + 2) / 3
     * in int64 (8, not 8.67), then Slices at multiples of it; a Cast of a float constant to int64
     * truncates too. Joined by q * k + v.
     */
    public static OnnxModelBuilder chunked() {
        SplittableRandom rnd = new SplittableRandom(179);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 96);
        m.initializerLongs("tokens", 0, 4, 24).initializerLongs("zero", 0).initializerLongs("last", -1)
                .initializerLongs("two", 2).initializerLongs("three", 3).initializerLongs("one", 1);
        m.constant("two_and_a_half", new int[] {1}, 2.5f);
        m.node("Reshape", "/r", List.of(h, "tokens"), "x")
                .node("Shape", "/shape", List.of("x"), "xs")
                .node("Gather", "/width", List.of("xs", "last"), "w", Attr.i("axis", 0))
                .node("Add", "/round_up", List.of("w", "two"), "w2")
                .node("Div", "/chunk", List.of("w2", "three"), "c")
                .node("Cast", "/two_int", List.of("two_and_a_half"), "two_i", Attr.i("to", 7))
                .node("Mul", "/end0", List.of("c", "one"), "e0")
                .node("Mul", "/end1", List.of("c", "two_i"), "e1")
                .node("Mul", "/end2", List.of("c", "three"), "e2")
                .node("Slice", "/q", List.of("x", "zero", "e0", "last"), "q")
                .node("Slice", "/k", List.of("x", "e0", "e1", "last"), "k")
                .node("Slice", "/v", List.of("x", "e1", "e2", "last"), "v")
                .node("Mul", "/qk", List.of("q", "k"), "qk")
                .node("Add", "/qkv", List.of("qk", "v"), "a")
                .node("Flatten", "/flat", List.of("a"), "y");
        return m.output("y");
    }

    /**
     * F.interpolate(mode="bicubic", scale_factor=2) and a nearest Resize by non-integer scales
     * (3 x 4 -> 4 x 7), both run as interpolation matrices along the spatial axes, joined.
     */
    public static OnnxModelBuilder interpolations() {
        SplittableRandom rnd = new SplittableRandom(191);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 7);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 7, 24);
        m.initializerLongs("img", 0, 2, 3, 4).initializer("twice", new int[] {4}, new float[] {1, 1, 2, 2})
                .initializer("odd", new int[] {4}, new float[] {1, 1, 1.5f, 1.75f});
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("Tanh", "/t", List.of("x"), "t")
                .node("Resize", "/bicubic", List.of("t", "", "twice"), "c", Attr.s("mode", "cubic"),
                        Attr.s("coordinate_transformation_mode", "pytorch_half_pixel"))
                .node("Resize", "/nearest", List.of("t", "", "odd"), "n")
                .node("Flatten", "/fc1", List.of("c"), "cf").node("Flatten", "/fn", List.of("n"), "nf")
                .node("Concat", "/cat", List.of("cf", "nf"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * F.max_pool2d(x, 2) (as BigGAN's self-attention pools its keys and values), a 2 x 3 window,
     * overlapping padded windows (3, stride 2, padding 1: a ResNet stem), windows that do not
     * fit a whole number of times (4 on 6), F.max_pool1d(rows, 3), a padded 1-D pool (3, stride
     * 2, padding 1 at the start) and ceil_mode's partial windows, joined. Piecewise linear: not for
     * finite differences.
     */
    public static OnnxModelBuilder maxPooled() {
        SplittableRandom rnd = new SplittableRandom(193);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 72);
        m.initializerLongs("img", 0, 2, 6, 6).initializerLongs("rows", 0, 12, 6);
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("MaxPool", "/pool2", List.of("x"), "a", Attr.ints("kernel_shape", 2, 2),
                        Attr.ints("strides", 2, 2))
                .node("MaxPool", "/pool23", List.of("x"), "b", Attr.ints("kernel_shape", 2, 3),
                        Attr.ints("strides", 2, 3))
                .node("Reshape", "/r1", List.of("x", "rows"), "x1")
                .node("MaxPool", "/pool1d", List.of("x1"), "c", Attr.ints("kernel_shape", 3), Attr.ints("strides", 3))
                .node("MaxPool", "/stem", List.of("x"), "d", Attr.ints("kernel_shape", 3, 3),
                        Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1))
                .node("MaxPool", "/uneven", List.of("x"), "e", Attr.ints("kernel_shape", 4, 4),
                        Attr.ints("strides", 4, 4))
                .node("MaxPool", "/pool1d_pad", List.of("x1"), "f", Attr.ints("kernel_shape", 3),
                        Attr.ints("strides", 2), Attr.ints("pads", 1, 0))
                .node("MaxPool", "/ceil", List.of("x"), "g", Attr.ints("kernel_shape", 4, 3),
                        Attr.ints("strides", 4, 2), Attr.i("ceil_mode", 1))
                .node("Flatten", "/fa", List.of("a"), "af").node("Flatten", "/fb", List.of("b"), "bf")
                .node("Flatten", "/fc1", List.of("c"), "cf").node("Flatten", "/fd", List.of("d"), "df")
                .node("Flatten", "/fe", List.of("e"), "ef").node("Flatten", "/ff", List.of("f"), "ff")
                .node("MaxPool", "/dilated", List.of("x"), "h", Attr.ints("kernel_shape", 2, 2),
                        Attr.ints("dilations", 2, 2))
                .node("MaxPool", "/dilated_pad", List.of("x"), "i", Attr.ints("kernel_shape", 3, 3),
                        Attr.ints("dilations", 2, 2), Attr.ints("strides", 2, 2), Attr.ints("pads", 2, 2, 0, 0))
                .node("MaxPool", "/pad2", List.of("x"), "j", Attr.ints("kernel_shape", 3, 3),
                        Attr.ints("pads", 2, 0, 0, 1))
                .node("MaxPool", "/dilated1d", List.of("x1"), "k", Attr.ints("kernel_shape", 2),
                        Attr.ints("dilations", 3), Attr.ints("strides", 2))
                .node("Flatten", "/fg", List.of("g"), "gf").node("Flatten", "/fh", List.of("h"), "hf")
                .node("Flatten", "/fi", List.of("i"), "if").node("Flatten", "/fj", List.of("j"), "jf")
                .node("Flatten", "/fk", List.of("k"), "kf")
                .node("Concat", "/cat", List.of("af", "bf", "cf", "df", "ef", "ff", "gf", "hf", "if", "jf", "kf"), "y",
                        Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * Circular padding as ONNX writes it from opset 19 (Pad mode wrap), on the spatial axes of a
     * conv's input (Conv2d(padding_mode="circular")) and, asymmetric, on the channel axis.
     */
    public static OnnxModelBuilder wrapped() {
        SplittableRandom rnd = new SplittableRandom(197);
        OnnxModelBuilder m = new OnnxModelBuilder(19).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 50);
        m.initializerLongs("img", 0, 2, 5, 5).initializerLongs("circular", 0, 0, 1, 1, 0, 0, 1, 1)
                .initializerLongs("channels", 0, 1, 0, 2, 0, 0, 0, 1)
                .initializer("w", new int[] {3, 2, 3, 3}, TestModels.uniform(rnd, 54));
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("Pad", "/pad", List.of("x", "circular"), "p", Attr.s("mode", "wrap"))
                .node("Conv", "/conv", List.of("p", "w"), "c")
                .node("Tanh", "/t", List.of("c"), "t")
                .node("Pad", "/pad_c", List.of("t", "channels"), "q", Attr.s("mode", "wrap"))
                .node("Flatten", "/flat", List.of("q"), "y");
        return m.output("y");
    }

    /** torch.einsum("bij,ijk->bk", h, W): a constant contracting two axes, after a Tanh. */
    public static OnnxModelBuilder einsumConstant() {
        SplittableRandom rnd = new SplittableRandom(199);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 12);
        m.initializerLongs("grid", 0, 3, 4).initializer("w", new int[] {3, 4, 5}, TestModels.uniform(rnd, 60));
        m.node("Reshape", "/r", List.of(h, "grid"), "x").node("Tanh", "/t", List.of("x"), "t")
                .node("Einsum", "/e", List.of("t", "w"), "y", Attr.s("equation", "bij,ijk->bk"));
        return m.output("y");
    }

    /**
     * Strided slices as flows and checkerboards write them (h[:, 0::2], x[:, :, 1::3] with a partial
     * last block, two strided axes at once: channels ::2 and width 1:5:2), joined.
     */
    public static OnnxModelBuilder strided() {
        SplittableRandom rnd = new SplittableRandom(211);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 120);
        m.initializerLongs("img", 0, 4, 5, 6)
                .initializerLongs("s2", 0, 1).initializerLongs("e2", Long.MAX_VALUE, 5).initializerLongs("a2", 1, 3)
                .initializerLongs("t2", 2, 2)
                .initializerLongs("s1", 1).initializerLongs("e1", Long.MAX_VALUE).initializerLongs("a1", 2)
                .initializerLongs("t1", 3);
        m.node("Reshape", "/r", List.of(h, "img"), "x").node("Tanh", "/t", List.of("x"), "t")
                .node("Slice", "/two_axes", List.of("t", "s2", "e2", "a2", "t2"), "u")
                .node("Slice", "/rows", List.of("t", "s1", "e1", "a1", "t1"), "v")
                .node("Flatten", "/fu", List.of("u"), "uf").node("Flatten", "/fv", List.of("v"), "vf")
                .node("Concat", "/cat", List.of("uf", "vf"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * torch.cat([z, F.one_hot(label, 5).float()], 1) with the label a constant (a class chosen at
     * export): OneHot folds at import.
     */
    public static OnnxModelBuilder oneHotLabel() {
        SplittableRandom rnd = new SplittableRandom(223);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        m.initializerLongs("label", 3).initializerLongs("depth", 5).initializerLongs("values", 0, 1)
                .node("OneHot", "/onehot", List.of("label", "depth", "values"), "oh", Attr.i("axis", -1))
                .node("Cast", "/cast", List.of("oh"), "ohf", Attr.i("to", 1))
                .node("Concat", "/cat", List.of("z", "ohf"), "zc", Attr.i("axis", 1));
        String h = ModelZoo.linear(m, rnd, "/fc", "zc", 11, 8);
        m.node("Tanh", "/t", List.of(h), "y");
        return m.output("y").batchOfOne();   // as exported from one latent: ONNX Runtime joins [1, 6] and [1, 5]
    }

    /**
     * Softmax over channels (axis 1 of [N, C, H, W]), LogSoftmax, torch.maximum(h, 0.2 h),
     * torch.minimum(h, 0.5), maxout (ReduceMax over 3, keepdims 0) and ReduceMax / ReduceMin over two
     * odd axes (keepdims 1), joined. opset 18 takes the reduce axes as an input.
     */
    public static OnnxModelBuilder extrema(int opset) {
        SplittableRandom rnd = new SplittableRandom(227);
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 60);
        m.initializerLongs("img", 0, 4, 5, 3).initializerLongs("units", 0, 20, 3).constant("slope", new int[0], 0.2f)
                .constant("cap", new int[0], 0.5f).initializerLongs("last", 2).initializerLongs("spatial", 2, 3);
        m.node("Reshape", "/r", List.of(h, "img"), "x")
                .node("Softmax", "/soft_c", List.of("x"), "sc", Attr.i("axis", 1))
                .node("LogSoftmax", "/logsoft", List.of(h), "ls", Attr.i("axis", -1))
                .node("Mul", "/scaled", List.of(h, "slope"), "hs")
                .node("Max", "/max", List.of(h, "hs"), "mx").node("Min", "/min", List.of(h, "cap"), "mn")
                .node("Reshape", "/r2", List.of(h, "units"), "u");
        if (opset >= 18) {
            m.node("ReduceMax", "/maxout", List.of("u", "last"), "mo", Attr.i("keepdims", 0))
                    .node("ReduceMax", "/rmax", List.of("x", "spatial"), "rm")
                    .node("ReduceMin", "/rmin", List.of("x", "spatial"), "rn");
        } else {
            m.node("ReduceMax", "/maxout", List.of("u"), "mo", Attr.ints("axes", 2), Attr.i("keepdims", 0))
                    .node("ReduceMax", "/rmax", List.of("x"), "rm", Attr.ints("axes", 2, 3))
                    .node("ReduceMin", "/rmin", List.of("x"), "rn", Attr.ints("axes", -1, -2));
        }
        m.node("Flatten", "/f1", List.of("sc"), "f1").node("Flatten", "/f2", List.of("rm"), "f2")
                .node("Flatten", "/f3", List.of("rn"), "f3")
                .node("Concat", "/cat", List.of("f1", "ls", "mx", "mn", "mo", "f2", "f3"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * 3-D AveragePool (strides, pads with either count_include_pad, ceil_mode) and MaxPool
     * (strides, pads, dilations, ceil_mode) of a [N, 2, 4, 5, 6] volume.
     */
    public static OnnxModelBuilder pooling3d() {
        SplittableRandom rnd = new SplittableRandom(61);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 240);
        m.initializerLongs("vol", 0, 2, 4, 5, 6).node("Reshape", "/vol", List.of(h, "vol"), "x");
        Attr[][] pools = {
            {Attr.ints("kernel_shape", 2, 2, 2), Attr.ints("strides", 2, 2, 2)},
            {Attr.ints("kernel_shape", 3, 3, 3), Attr.ints("pads", 1, 1, 1, 1, 1, 1)},
            {Attr.ints("kernel_shape", 3, 3, 3), Attr.ints("pads", 1, 1, 1, 1, 1, 1), Attr.i("count_include_pad", 1)},
            {Attr.ints("kernel_shape", 3, 3, 3), Attr.ints("strides", 2, 2, 2), Attr.ints("pads", 1, 1, 1, 1, 1, 1)},
            {Attr.ints("kernel_shape", 2, 3, 2), Attr.ints("dilations", 2, 1, 2)},
            {Attr.ints("kernel_shape", 3, 2, 2), Attr.ints("strides", 2, 2, 2), Attr.i("ceil_mode", 1)},
        };
        List<String> flat = new java.util.ArrayList<>();
        for (int i = 0; i < pools.length; i++) {
            for (String op : List.of("AveragePool", "MaxPool")) {
                boolean avgOnly = pools[i].length == 3;   // count_include_pad
                boolean maxOnly = i == 4;                  // dilations (AveragePool from opset 19)
                if (op.equals("MaxPool") && avgOnly || op.equals("AveragePool") && maxOnly) {
                    continue;
                }
                String o = op + i;
                m.node(op, "/" + o, List.of("x"), o, pools[i]).node("Flatten", "/f" + o, List.of(o), "f" + o);
                flat.add("f" + o);
            }
        }
        return m.node("Concat", "/y", flat, "y", Attr.i("axis", 1)).output("y");
    }

    /**
     * Einsum with three and four operands, as a chain of pairs: a linear chain with constant
     * weights, attention scores with a constant matrix (or per-head matrices) between q and k, a
     * latent-dependent operand after a constant one, and "..." in every term; with a constant: a
     * leading label contracted, a label shared with the constant and the output, outputs reordered;
     * labels in one term only summed there first ("bhid,bhje->bhi", "bhid,dk->bhi"), and one operand
     * summed ("bhid->bd"; ONNX Runtime 1.23 fails on a sum with a permutation, "bhid->bdh").
     */
    public static OnnxModelBuilder einsumChains() {
        SplittableRandom rnd = new SplittableRandom(5);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 24);
        m.initializer("w1", new int[] {24, 5}, ModelZoo.uniform(rnd, 120, 3))
                .initializer("w2", new int[] {5, 7}, ModelZoo.uniform(rnd, 35, 3))
                .initializer("w3", new int[] {7, 3}, ModelZoo.uniform(rnd, 21, 3))
                .node("Einsum", "/chain", List.of(h, "w1", "w2", "w3"), "c", Attr.s("equation", "bi,ij,jk,kl->bl"))
                .initializerLongs("qk", -1, 2, 3, 4)
                .node("Reshape", "/q", List.of(h, "qk"), "q")
                .node("Tanh", "/k", List.of("q"), "k")
                .initializer("mix", new int[] {4, 4}, ModelZoo.uniform(rnd, 16, 2))
                .node("Einsum", "/scores", List.of("q", "mix", "k"), "s", Attr.s("equation", "bhid,de,bhje->bhij"))
                .initializer("heads", new int[] {2, 4, 4}, ModelZoo.uniform(rnd, 32, 2))
                .node("Einsum", "/per_head", List.of("q", "heads", "k"), "ph",
                        Attr.s("equation", "bhid,hde,bhje->bhij"))
                .node("Flatten", "/fph", List.of("ph"), "fph")
                .initializer("lead", new int[] {2, 5}, ModelZoo.uniform(rnd, 10, 2))
                .node("Einsum", "/leading", List.of("q", "lead"), "ld", Attr.s("equation", "bhid,hk->bkid"))
                .node("Flatten", "/fld", List.of("ld"), "fld")
                .initializer("mixed", new int[] {4, 2, 3}, ModelZoo.uniform(rnd, 24, 2))
                .node("Einsum", "/reordered", List.of("q", "mixed"), "ro", Attr.s("equation", "bhid,dhk->bkih"))
                .node("Flatten", "/fro", List.of("ro"), "fro")
                .node("Flatten", "/fs", List.of("s"), "fs")
                .initializer("w0", new int[] {3, 24}, ModelZoo.uniform(rnd, 72, 3))
                .node("Einsum", "/constant_first", List.of("w0", h, "c"), "cf", Attr.s("equation", "ki,bi,bk->bk"))
                .node("Einsum", "/dots", List.of("q", "mix", "k"), "d", Attr.s("equation", "...id,de,...je->...ij"))
                .node("Flatten", "/fd", List.of("d"), "fd")
                .node("Einsum", "/lone", List.of("q", "k"), "lo", Attr.s("equation", "bhid,bhje->bhi"))
                .node("Flatten", "/flo", List.of("lo"), "flo")
                .node("Einsum", "/sum_permute", List.of("q"), "sp", Attr.s("equation", "bhid->bd"))
                .node("Flatten", "/fsp", List.of("sp"), "fsp")
                .initializer("dk", new int[] {4, 3}, ModelZoo.uniform(rnd, 12, 2))
                .node("Einsum", "/lone_constant", List.of("q", "dk"), "lc", Attr.s("equation", "bhid,dk->bhi"))
                .node("Flatten", "/flc", List.of("lc"), "flc")
                .node("Concat", "/y", List.of("c", "fs", "cf", "fd", "fph", "fld", "fro", "flo", "fsp", "flc"), "y",
                        Attr.i("axis", 1))
                .output("y");
        return m;
    }

    /**
     * Where on conditions that depend on the latent, as hand-written activations and gates write
     * them: ELU as torch.where(h > 0, h, 0.7 * (exp(h) - 1)), a hard gate (g >= 0.1).float() * g,
     * masks combined with Not / And / Or / Xor and compared with ==, masked_fill of a latent
     * value with a constant, x.bool() (x != 0) selecting, and a mask as a float factor.
     * Differentiable wherever no condition sits exactly at its threshold.
     */
    public static OnnxModelBuilder latentWhere() {
        SplittableRandom rnd = new SplittableRandom(331);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 10);
        String g = ModelZoo.linear(m, rnd, "/fc2", "z", 6, 10);
        m.constant("zero", new int[0], 0f).constant("one", new int[0], 1f).constant("alpha", new int[0], 0.7f)
                .constant("tenth", new int[0], 0.1f).constant("half", new int[0], 0.5f)
                .node("Greater", "/pos", List.of(h, "zero"), "pos")
                .node("Exp", "/exp", List.of(h), "eh").node("Sub", "/em1", List.of("eh", "one"), "em1")
                .node("Mul", "/scale", List.of("alpha", "em1"), "neg")
                .node("Where", "/elu", List.of("pos", h, "neg"), "elu")
                .node("GreaterOrEqual", "/open", List.of(g, "tenth"), "open")
                .node("Cast", "/openf", List.of("open"), "openf", Attr.i("to", 1))
                .node("Mul", "/gate", List.of("openf", g), "gated")
                .node("Less", "/lt", List.of("elu", "gated"), "lt")
                .node("LessOrEqual", "/le", List.of(g, "half"), "le")
                .node("Not", "/not", List.of("le"), "gt")
                .node("And", "/and", List.of("lt", "le"), "both")
                .node("Greater", "/gpos", List.of(g, "zero"), "gpos")
                .node("Or", "/or", List.of("both", "gpos"), "either")
                .node("Xor", "/xor", List.of("either", "gt"), "odd")
                .node("Equal", "/same", List.of("odd", "open"), "same")
                .node("Where", "/pick", List.of("same", "elu", "gated"), "picked")
                .node("Where", "/fill", List.of("lt", "half", "picked"), "filled")
                .node("Cast", "/nonzero", List.of("filled"), "nz", Attr.i("to", 9))
                .node("Where", "/keep", List.of("nz", "filled", "zero"), "kept")
                .node("Cast", "/eitherf", List.of("either"), "eitherf", Attr.i("to", 1))
                .node("Mul", "/either_h", List.of("eitherf", h), "eh2")
                .node("Add", "/y", List.of("kept", "eh2"), "y");
        return m.output("y");
    }

    /**
     * masked_fill with fixed masks as torch writes it (a BOOL initializer, Where(mask, -inf, x)):
     * causal attention scores in batch-first layout, and the same fill on a sequence-first tensor
     * (the batch moved to axis 1), each through a Softmax.
     */
    public static OnnxModelBuilder maskedFill() {
        SplittableRandom rnd = new SplittableRandom(229);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 32);
        boolean[] causal = new boolean[16];
        boolean[] seq = new boolean[16];
        for (int i = 0; i < 16; i++) {
            causal[i] = i % 4 > i / 4;   // above the diagonal
            seq[i] = (i * 7) % 3 == 0;
        }
        m.initializerLongs("scores", 0, 2, 4, 4).initializerLongs("tokens", 0, 4, 8)
                .initializerBools("causal", new int[] {1, 1, 4, 4}, causal)
                .initializerBools("seq_mask", new int[] {4, 1, 8}, java.util.Arrays.copyOf(seq, 32))
                .constant("ninf", new int[0], Float.NEGATIVE_INFINITY);
        m.node("Reshape", "/r", List.of(h, "scores"), "s")
                .node("Where", "/masked", List.of("causal", "ninf", "s"), "sm")
                .node("Softmax", "/soft", List.of("sm"), "p")
                .node("Reshape", "/r2", List.of(h, "tokens"), "t")
                .node("Transpose", "/seq_first", List.of("t"), "ts", Attr.ints("perm", 1, 0, 2))
                .node("Where", "/masked_seq", List.of("seq_mask", "ninf", "ts"), "tm")
                .node("Transpose", "/batch_first", List.of("tm"), "tb", Attr.ints("perm", 1, 0, 2))
                .node("Softmax", "/soft2", List.of("tb"), "q")
                .node("Flatten", "/f1", List.of("p"), "f1").node("Flatten", "/f2", List.of("q"), "f2")
                .node("Concat", "/cat", List.of("f1", "f2"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /**
     * torch.flip and a reversed strided slice (Slice with negative steps), torch.cumsum (plain, and
     * exclusive + reversed), and constants torch builds in forward: torch.triu (Trilu) and
     * torch.arange (Range), added to the latent-dependent values.
     */
    public static OnnxModelBuilder flipsAndSums() {
        SplittableRandom rnd = new SplittableRandom(233);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 60);
        m.initializerLongs("img", 0, 3, 4, 5)
                .initializerLongs("f_s", -1).initializerLongs("f_e", Long.MIN_VALUE + 1).initializerLongs("f_a", 2)
                .initializerLongs("f_t", -1)
                .initializerLongs("r_s", -2).initializerLongs("r_e", 0).initializerLongs("r_a", 3)
                .initializerLongs("r_t", -2)
                .constantLong("ax3", 3).constantLong("ax1", 1)
                .initializer("ones", new int[] {4, 5}, TestModels.uniform(rnd, 20)).initializerLongs("k", 1)
                .constant("r0", new int[0], 0f).constant("r1", new int[0], 5f).constant("rd", new int[0], 1f);
        m.node("Reshape", "/r", List.of(h, "img"), "x").node("Tanh", "/t", List.of("x"), "t")
                .node("Slice", "/flip", List.of("t", "f_s", "f_e", "f_a", "f_t"), "fl")
                .node("Slice", "/reverse_step", List.of("t", "r_s", "r_e", "r_a", "r_t"), "rv")
                .node("CumSum", "/cumsum", List.of("t", "ax1"), "cs")
                .node("CumSum", "/cumsum_rev", List.of("t", "ax3"), "cr", Attr.i("exclusive", 1), Attr.i("reverse", 1))
                .node("Trilu", "/triu", List.of("ones", "k"), "tu")
                .node("Range", "/arange", List.of("r0", "r1", "rd"), "ar")
                .node("Add", "/plus_triu", List.of("fl", "tu"), "a1").node("Add", "/plus_range", List.of("cs", "ar"), "a2")
                .node("Flatten", "/f1", List.of("a1"), "f1").node("Flatten", "/f2", List.of("rv"), "f2")
                .node("Flatten", "/f3", List.of("a2"), "f3").node("Flatten", "/f4", List.of("cr"), "f4")
                .node("Concat", "/cat", List.of("f1", "f2", "f3", "f4"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /** One-operand Einsums that permute ('bij->bji', and 'bij->jbi' moving the batch, then back). */
    public static OnnxModelBuilder einsumPermutations() {
        SplittableRandom rnd = new SplittableRandom(239);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 12);
        m.initializerLongs("grid", 0, 3, 4)
                .node("Reshape", "/r", List.of(h, "grid"), "x").node("Tanh", "/t", List.of("x"), "t")
                .node("Einsum", "/swap", List.of("t"), "s", Attr.s("equation", "bij->bji"))
                .node("Einsum", "/seq_first", List.of("t"), "u", Attr.s("equation", "bij -> jbi"))
                .node("Softmax", "/soft", List.of("u"), "v", Attr.i("axis", -1))
                .node("Einsum", "/back", List.of("v"), "w", Attr.s("equation", "jbi->bij"))
                .node("Flatten", "/f1", List.of("s"), "f1").node("Flatten", "/f2", List.of("w"), "f2")
                .node("Concat", "/cat", List.of("f1", "f2"), "y", Attr.i("axis", 1));
        return m.output("y");
    }
}
