package io.geomlens.onnx;

import static io.geomlens.onnx.ForwardVsOrtTest.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import io.geomlens.testing.TestModels;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Graphs as torch.onnx.export(dynamo=True) (torchlib, torch 2.9's default exporter) writes them,
 * written by hand from torchlib's functions, against ONNX Runtime. The torch fixtures exported by
 * it (torch 2.13) are in TorchExportsTest's set torch-2.13-dynamo; these keep each form in a
 * small graph of its own.
 */
class TorchlibFormsTest {
    /**
     * CastLike of scalar and shape constants,
     * LayerNormalization with its Mean / InvStdDev outputs named but unused, Shape with start / end,
     * a rank-3 Linear as MatMul with the weights' Transpose, Reshape with allowzero=1.
     */
    @Test
    void scalarsShapesAndLinear() throws Exception {
        SplittableRandom rnd = new SplittableRandom(41);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 8);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 8, 12);
        m.initializer("two", new int[0], new float[] {2f})
                .initializer("g", new int[] {12}, ModelZoo.uniform(rnd, 12, 1))
                .initializer("bb", new int[] {12}, ModelZoo.uniform(rnd, 12, 1))
                .initializer("dims", new int[] {2}, new float[] {3, 4})
                .node("CastLike", "/cl", List.of("two", h), "two_f")
                .node("Mul", "/mul", List.of(h, "two_f"), "hm")
                .graphNode("LayerNormalization", "/ln", List.of("hm", "g", "bb"), List.of("ln", "mean", "inv"),
                        Attr.i("axis", -1))
                .node("Shape", "/hm_shape", List.of("hm"), "hm_shape")   // torchlib GroupNorm's way back
                .node("Reshape", "/back", List.of("ln", "hm_shape"), "ln2", Attr.i("allowzero", 1))
                .node("Relu", "/relu", List.of("ln2"), "r")
                // aten.sym_size as a scalar (Shape with start / end, Squeeze), made 1-D again for the Concat
                .initializerLongs("ax0", 0).initializerLongs("flat", -1)
                .node("Shape", "/shape", List.of("r"), "n1", Attr.i("start", 0), Attr.i("end", 1))
                .node("Squeeze", "/sym_size", List.of("n1", "ax0"), "sym")
                .node("Reshape", "/as_1d", List.of("sym", "flat"), "n")
                .node("CastLike", "/cl2", List.of("dims", "n"), "dims_i")
                .node("Concat", "/cat", List.of("n", "dims_i"), "target", Attr.i("axis", 0))
                .node("Reshape", "/rs", List.of("r", "target"), "r3")
                // nn.Linear on a rank-3 input: MatMul with the weights' Transpose, then the bias
                .initializer("w3", new int[] {5, 4}, ModelZoo.uniform(rnd, 20, 4))
                .initializer("b3", new int[] {5}, ModelZoo.uniform(rnd, 5, 4))
                .node("Transpose", "/wt", List.of("w3"), "w3t", Attr.ints("perm", 1, 0))
                .node("MatMul", "/mm", List.of("r3", "w3t"), "p")
                .node("Add", "/bias", List.of("p", "b3"), "y").output("y");
        check(m, 4, 1.0);
    }

    /**
     * F.interpolate as torchlib writes it (opset 18): nearest with output_size, sizes =
     * Concat(Shape(x, start=0, end=2), Cast(size)) (the batch from the Shape), asymmetric, floor;
     * bilinear with scale_factor, scales = Concat([1, 1], scale factors), pytorch_half_pixel; and
     * bicubic with output_size, align_corners.
     */
    @Test
    void upsampleBySizesAndScales() throws Exception {
        SplittableRandom rnd = new SplittableRandom(43);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 18);
        m.initializerLongs("map", -1, 2, 3, 3)
                .node("Reshape", "/map", List.of(h, "map"), "x")
                .node("Shape", "/nc", List.of("x"), "nc", Attr.i("start", 0), Attr.i("end", 2))
                .initializerLongs("hw", 6, 6)
                .node("Cast", "/hw64", List.of("hw"), "hw64", Attr.i("to", 7))
                .node("Concat", "/sizes", List.of("nc", "hw64"), "sizes", Attr.i("axis", 0))
                .node("Resize", "/nearest", List.of("x", "", "", "sizes"), "up", Attr.s("mode", "nearest"),
                        Attr.s("coordinate_transformation_mode", "asymmetric"), Attr.s("nearest_mode", "floor"))
                .initializer("ones", new int[] {2}, new float[] {1, 1})
                .initializer("factors", new int[] {2}, new float[] {2, 2})
                .node("Concat", "/scales", List.of("ones", "factors"), "scales", Attr.i("axis", 0))
                .node("Resize", "/bilinear", List.of("x", "", "scales"), "bl", Attr.s("mode", "linear"),
                        Attr.s("coordinate_transformation_mode", "pytorch_half_pixel"))
                .initializerLongs("hw5", 5, 5)
                .node("Concat", "/sizes5", List.of("nc", "hw5"), "sizes5", Attr.i("axis", 0))
                .node("Resize", "/bicubic", List.of("x", "", "", "sizes5"), "bc", Attr.s("mode", "cubic"),
                        Attr.s("coordinate_transformation_mode", "align_corners"), Attr.f("cubic_coeff_a", -0.75))
                .node("Flatten", "/f1", List.of("up"), "f1").node("Flatten", "/f2", List.of("bl"), "f2")
                .node("Flatten", "/f3", List.of("bc"), "f3")
                .node("Concat", "/y", List.of("f1", "f2", "f3"), "y", Attr.i("axis", 1)).output("y");
        check(m, 3, 1.0);
    }

    @Test
    void groupNorm() throws Exception {
        check(torchlibGroupNorm(), 3, 1.0);
    }

    @Test
    void scaledDotProductAttention() throws Exception {
        check(torchlibAttention(), 3, 1.0);
    }

    /** cls.expand(N, -1, -1): Expand(cls, Abs([N, -1, -1])) (Abs turns -1 into 1), then Concat with tokens. */
    @Test
    void expandOverTheBatch() throws Exception {
        OnnxModelBuilder t = new OnnxModelBuilder(18).input("z", 2, 4);
        t.initializer("cls", new int[] {1, 1, 4}, new float[] {0.5f, -1, 2, 0.25f}).initializerLongs("rest", -1, -1)
                .node("Shape", "/n", List.of("z"), "n", Attr.i("start", 0), Attr.i("end", 1))
                .node("Concat", "/sizes", List.of("n", "rest"), "sizes", Attr.i("axis", 0))
                .node("Abs", "/abs", List.of("sizes"), "size")
                .node("Expand", "/expand", List.of("cls", "size"), "clsN")
                .node("Concat", "/tokens", List.of("clsN", "z"), "tok", Attr.i("axis", 1))
                .node("Tanh", "/tanh", List.of("tok"), "y");
        check(t.output("y"), 3, 1.0);
    }

    /** F.max_pool2d: torchlib's MaxPool names its Indices output even when nothing reads it. */
    @Test
    void maxPoolWithUnusedIndices() throws Exception {
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 2, 4, 4);
        m.graphNode("MaxPool", "/pool", List.of("z"), List.of("p", "indices"), Attr.ints("kernel_shape", 2, 2),
                        Attr.ints("strides", 2, 2))
                .node("Tanh", "/tanh", List.of("p"), "y");
        check(m.output("y"), 3, 1.0);
    }

    /**
     * torch.chunk / split / unbind / stack as torchlib writes them when the optimizer leaves the
     * sequences: SplitToSequence (a chunk size, sizes, or ones with keepdims=0), SequenceAt (negative
     * positions too), SequenceConstruct, ConcatFromSequence with new_axis=1.
     */
    @Test
    void sequences() throws Exception {
        check(sequenceModel(18), 3, 1.0);
        check(sequenceModel(12), 3, 1.0);   // Split, Squeeze and Unsqueeze take attributes there
    }

    private static OnnxModelBuilder sequenceModel(int opset) {
        SplittableRandom rnd = new SplittableRandom(29);
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("z", 5);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 5, 8);
        m.constantLong("four", 4).initializerLongs("sizes", 3, 5).initializerLongs("zero", 0)
                .initializerLongs("one", 1).initializerLongs("minus2", -2)
                .graphNode("SplitToSequence", "/chunk", List.of(h, "four"), List.of("halves"), Attr.i("axis", 1))
                .node("SequenceAt", "/a", List.of("halves", "zero"), "a")
                .node("SequenceAt", "/b", List.of("halves", "one"), "b")
                .node("Sigmoid", "/gate", List.of("b"), "g").node("Mul", "/glu", List.of("a", "g"), "glu")
                .graphNode("SplitToSequence", "/split", List.of(h, "sizes"), List.of("parts"), Attr.i("axis", -1))
                .node("SequenceAt", "/p0", List.of("parts", "minus2"), "p0")
                .node("SequenceAt", "/p1", List.of("parts", "one"), "p1")
                .graphNode("SequenceConstruct", "/pair", List.of("glu", "a"), List.of("pair"))
                .graphNode("ConcatFromSequence", "/stack", List.of("pair"), List.of("stacked"), Attr.i("axis", 1),
                        Attr.i("new_axis", 1))
                .graphNode("SplitToSequence", "/unbind", List.of("stacked"), List.of("rows"), Attr.i("axis", 1),
                        Attr.i("keepdims", 0))
                .node("SequenceAt", "/r1", List.of("rows", "one"), "r1")
                .node("Tanh", "/t", List.of("r1"), "t")
                .node("Concat", "/out", List.of("p0", "t", "p1"), "y", Attr.i("axis", 1));
        return m.output("y");
    }

    /** nn.GELU() as torchlib writes it: x * (0.5 * (erf(x / sqrt 2) + 1)), fused into one Gelu layer. */
    @Test
    void geluFused() throws Exception {
        SplittableRandom rnd = new SplittableRandom(31);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 4);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 4, 6);
        m.constant("sqrt2", new int[0], (float) Math.sqrt(2)).constant("one", new int[0], 1f)
                .constant("half", new int[0], 0.5f)
                .node("Div", "/gelu/Div", List.of(h, "sqrt2"), "d").node("Erf", "/gelu/Erf", List.of("d"), "e")
                .node("Add", "/gelu/Add", List.of("e", "one"), "a").node("Mul", "/gelu/Mul", List.of("half", "a"), "m")
                .node("Mul", "/gelu/Mul_1", List.of(h, "m"), "y").output("y");
        check(m, 4, 1.0);
        org.junit.jupiter.api.Assertions.assertEquals(List.of("/gelu/Gelu"),
                OnnxImporter.read(m.toBytes(), "gelu.onnx").layerNames());
    }

    /** The Attention op of opset 23 on latent tokens, in each form ONNX Runtime runs (softcap before the mask). */
    @Test
    void attentionOpset23() throws Exception {
        check(TestModels.attention23(4, 4, 3, new Attr[0], null), 3, 1.0);
        check(TestModels.attention23(4, 2, 3, new Attr[0], null), 3, 1.0);   // grouped queries: 4 heads over 2
        check(TestModels.attention23(2, 2, 3, new Attr[] {Attr.i("is_causal", 1), Attr.f("softcap", 2.0),
                Attr.f("scale", 0.3)}, null), 3, 1.0);
        check(TestModels.attention23(2, 2, 3, new Attr[0], "bool"), 3, 1.0);
        check(TestModels.attention23(2, 2, 3, new Attr[0], "float"), 3, 1.0);
        check(TestModels.attention23(2, 2, 3, new Attr[] {Attr.i("is_causal", 1)}, "float"), 3, 1.0);
        check(TestModels.attention23(2, 1, 0, new Attr[] {Attr.i("q_num_heads", 2), Attr.i("kv_num_heads", 1)},
                null), 3, 1.0);   // 3-D inputs [N, L, heads * E]
    }

    /**
     * nn.GELU(approximate="tanh") as torch.onnx.export writes it (x^3 as Mul(x, Mul(x, x)), then
     * Mul(Mul(x, .), 0.5)) and as torchlib does (Pow(x, 3), then Mul(x, Mul(0.5, .))): one Gelu layer each.
     */
    @Test
    void geluTanhFused() throws Exception {
        for (boolean torchlib : new boolean[] {false, true}) {
            SplittableRandom rnd = new SplittableRandom(43);
            OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 4);
            String h = ModelZoo.linear(m, rnd, "/fc", "z", 4, 6);
            m.constant("c", new int[0], 0.044715f).constant("k", new int[0], (float) Math.sqrt(2 / Math.PI))
                    .constant("one", new int[0], 1f).constant("half", new int[0], 0.5f)
                    .constant("three", new int[0], 3f);
            if (torchlib) {
                m.node("Pow", "/gelu/Pow", List.of(h, "three"), "x3");
            } else {
                m.node("Mul", "/gelu/Mul", List.of(h, h), "x2").node("Mul", "/gelu/Mul_1", List.of(h, "x2"), "x3");
            }
            m.node("Mul", "/gelu/Mul_2", List.of("c", "x3"), "a").node("Add", "/gelu/Add", List.of(h, "a"), "b")
                    .node("Mul", "/gelu/Mul_3", List.of("k", "b"), "s").node("Tanh", "/gelu/Tanh", List.of("s"), "t")
                    .node("Add", "/gelu/Add_1", List.of("one", "t"), "u");
            if (torchlib) {
                m.node("Mul", "/gelu/Mul_4", List.of("half", "u"), "v")
                        .node("Mul", "/gelu/Mul_5", List.of(h, "v"), "y");
            } else {
                m.node("Mul", "/gelu/Mul_4", List.of(h, "u"), "v")
                        .node("Mul", "/gelu/Mul_5", List.of("half", "v"), "y");
            }
            m.output("y");
            check(m, 4, 1.0);
            org.junit.jupiter.api.Assertions.assertEquals(List.of("/gelu/Gelu"),
                    OnnxImporter.read(m.toBytes(), "gelu.onnx").layerNames());
        }
    }

    @Test
    void softplusWithItsThreshold() throws Exception {
        for (double beta : new double[] {1, 2}) {   // inputs large enough that both branches are taken
            check(torchlibSoftplus(beta, 20), 4, 40.0);
        }
        // A threshold low enough to change the function (softplus(5) - 5 = 0.0067) is not dropped
        // but imported as the Where it is, on its latent-dependent condition.
        check(torchlibSoftplus(1, 5), 4, 10.0);
        assertEquals(List.of("/softplus"), OnnxImporter.read(torchlibSoftplus(1, 5).toBytes(), "sp.onnx").layerNames());
    }

    /**
     * F.scaled_dot_product_attention(q, k, v) on [N, heads, L, E] as torchlib writes it without a mask:
     * the scale from Shape(q)[-1], k's last two axes swapped through [-1, L, E] (batch and heads
     * merged) and back, q and k each scaled by sqrt(scale), Softmax, MatMul, a Dropout of p = 0.
     */
    private static OnnxModelBuilder torchlibAttention() {
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 2, 3, 4);
        m.initializer("kscale", new int[] {4}, new float[] {0.5f, -1, 1.5f, 2})
                .node("Mul", "/k", List.of("z", "kscale"), "k").node("Tanh", "/v", List.of("z"), "v")
                .node("Shape", "/qs", List.of("z"), "qs").initializerLongs("last", -1)
                .node("Gather", "/e", List.of("qs", "last"), "e")
                .node("CastLike", "/ef", List.of("e", "z"), "ef").node("Sqrt", "/sqrt_e", List.of("ef"), "se")
                .constant("one", new int[0], 1f).node("Div", "/scale", List.of("one", "se"), "scale")
                .node("Shape", "/ks", List.of("k"), "ks")
                .initializerLongs("m1", -1).initializerLongs("m2", -2).initializerLongs("zero", 0)
                .initializerLongs("big", Long.MAX_VALUE)
                .node("Slice", "/klast", List.of("ks", "m1", "big"), "klast")
                .node("Slice", "/ksecond", List.of("ks", "m2", "m1"), "ksecond")
                .node("Slice", "/kfirst", List.of("ks", "zero", "m2"), "kfirst")
                .node("Concat", "/sq", List.of("m1", "ksecond", "klast"), "sqshape", Attr.i("axis", 0))
                .node("Reshape", "/ksq", List.of("k", "sqshape"), "ksq")
                .node("Transpose", "/kt", List.of("ksq"), "kt", Attr.ints("perm", 0, 2, 1))
                .node("Concat", "/tshape", List.of("kfirst", "klast", "ksecond"), "tshape", Attr.i("axis", 0))
                .node("Reshape", "/kT", List.of("kt", "tshape"), "kT")
                .node("Sqrt", "/sqrt_scale", List.of("scale"), "ss")
                .node("Mul", "/qscaled", List.of("z", "ss"), "qsc").node("Mul", "/kscaled", List.of("kT", "ss"), "ksc")
                .node("MatMul", "/scores", List.of("qsc", "ksc"), "scores")
                .node("Softmax", "/softmax", List.of("scores"), "p", Attr.i("axis", -1))
                .graphNode("Dropout", "/dropout", List.of("p"), List.of("pd", "mask"))
                .node("MatMul", "/attend", List.of("pd", "v"), "y");
        return m.output("y");
    }

    /** F.softplus(h, beta, threshold) as torchlib writes it: Where(h beta > threshold, h, Softplus(h beta) / beta). */
    static OnnxModelBuilder torchlibSoftplus(double beta, double threshold) {
        SplittableRandom rnd = new SplittableRandom(23);
        OnnxModelBuilder m = new OnnxModelBuilder(18).input("z", 4);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 4, 6);
        String scaled = h;
        if (beta != 1) {
            m.constant("beta", new int[0], (float) beta).node("Mul", "/scale", List.of(h, "beta"), "hs");
            scaled = "hs";
        }
        m.node("Softplus", "/softplus", List.of(scaled), "sp");
        String branch = "sp";
        if (beta != 1) {
            m.node("Div", "/unscale", List.of("sp", "beta"), "spb");
            branch = "spb";
        }
        return m.constant("threshold", new int[0], (float) threshold)
                .node("Greater", "/above", List.of(scaled, "threshold"), "big")
                .node("Where", "/where", List.of("big", h, branch), "y").output("y");
    }

    /**
     * nn.GroupNorm(2, 4) as torchlib (the dynamo exporter) writes it: InstanceNormalization over
     * [0, groups, -1] with weights Expand(CastLike(1.0, x)), back to Shape(x), then the affine
     * with weights unsqueezed over Range(1, Rank(x) - 1), Rank = Size(Shape(x)).
     */
    private static OnnxModelBuilder torchlibGroupNorm() {
        SplittableRandom rnd = new SplittableRandom(17);
        OnnxModelBuilder g = new OnnxModelBuilder(18).input("z", 4, 3, 3);
        g.initializer("gw", new int[] {4}, ModelZoo.uniform(rnd, 4, 1)).initializer("gb", new int[] {4},
                        ModelZoo.uniform(rnd, 4, 1))
                .initializerLongs("groups", 2).initializerLongs("neg1", -1).initializerLongs("zero", 0)
                .constant("fone", new int[0], 1f).constant("fzero", new int[0], 0f)
                .node("Reshape", "/gt", List.of("groups", "neg1"), "g")
                .node("Concat", "/gshape", List.of("zero", "g", "neg1"), "gshape", Attr.i("axis", 0))
                .node("Reshape", "/grouped", List.of("z", "gshape"), "zg")
                .node("CastLike", "/c1", List.of("fone", "z"), "one_f")
                .node("Expand", "/w", List.of("one_f", "g"), "iw")
                .node("CastLike", "/c0", List.of("fzero", "z"), "zero_f")
                .node("Expand", "/b", List.of("zero_f", "g"), "ib")
                .graphNode("InstanceNormalization", "/in", List.of("zg", "iw", "ib"), List.of("n"),
                        Attr.f("epsilon", 1e-5))
                .node("Shape", "/zshape", List.of("z"), "zs").node("Reshape", "/back", List.of("n", "zs"), "nb")
                .initializerLongs("one", 1)
                .node("Size", "/rank", List.of("zs"), "rank").node("Sub", "/last", List.of("rank", "one"), "last")
                .node("Range", "/axes", List.of("one", "last", "one"), "axes")
                .node("Unsqueeze", "/wfull", List.of("gw", "axes"), "wf")
                .node("Unsqueeze", "/bfull", List.of("gb", "axes"), "bf")
                .node("Mul", "/scale", List.of("nb", "wf"), "sc").node("Add", "/shift", List.of("sc", "bf"), "a")
                .node("Tanh", "/tanh", List.of("a"), "y");
        return g.output("y");
    }

    /**
     * Forms torch 2.13's dynamo exporter wrote for the fixtures: x[:, idx] as Transpose, GatherND
     * with indices [[i], ...] and Transpose back; nn.MultiheadAttention's in_proj weight (a constant)
     * split on axis 0; ReLU as torch.where(h > 0, h, zeros_like(h)) with zeros_like = Expand(0,
     * Shape(h)), which stays a ReLU layer.
     */
    @Test
    void gatherNdConstantSplitAndExpandedZeros() throws Exception {
        SplittableRandom rnd = new SplittableRandom(59);
        OnnxModelBuilder m = new OnnxModelBuilder(20).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 12);
        m.initializerLongs("tokens", 0, 3, 4).initializer(indices("picks", 1, 2, 0, 2))
                .initializer("in_proj", new int[] {8, 4}, ModelZoo.uniform(rnd, 32, 2))
                .initializerLongs("parts", 5, 3).initializer("zero", new int[0], new float[] {0f})
                .node("Reshape", "/tok", List.of(h, "tokens"), "t")
                .node("Transpose", "/t1", List.of("t"), "tt", Attr.ints("perm", 1, 0, 2))
                .node("GatherND", "/pick", List.of("tt", "picks"), "g")
                .node("Transpose", "/t2", List.of("g"), "gt", Attr.ints("perm", 1, 0, 2))
                .graphNode("Split", "/split", List.of("in_proj", "parts"), List.of("wq", "wk"), Attr.i("axis", 0))
                .node("Transpose", "/wqt", List.of("wq"), "wqt", Attr.ints("perm", 1, 0))
                .node("MatMul", "/q", List.of("gt", "wqt"), "q")
                .node("Greater", "/gt", List.of("q", "zero"), "pos")
                .node("Shape", "/qs", List.of("q"), "qs", Attr.i("start", 0))
                .node("Expand", "/zeros_like", List.of("zero", "qs"), "zeros")
                .node("Where", "/relu", List.of("pos", "q", "zeros"), "r")
                .node("Flatten", "/f", List.of("r"), "y").output("y");
        check(m, 3, 1.0);
        assertEquals(List.of("/relu"), OnnxImporter.read(m.toBytes(), "dynamo.onnx").layerNames());
    }

    /** GatherND reading index pairs is not the one-axis Gather the rewrite takes: refused by name. */
    @Test
    void gatherNdOfIndexPairsIsRefusedByName() {
        SplittableRandom rnd = new SplittableRandom(61);
        OnnxModelBuilder m = new OnnxModelBuilder(20).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 12);
        m.initializerLongs("tokens", 0, 3, 4).initializer(indices("pairs", 2, 0, 1, 2, 3))
                .node("Reshape", "/tok", List.of(h, "tokens"), "t")
                .node("Transpose", "/t1", List.of("t"), "tt", Attr.ints("perm", 1, 2, 0))
                .node("GatherND", "/pick", List.of("tt", "pairs"), "y").output("y");
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toBytes(), "pairs.onnx"));
        assertTrue(e.getMessage().contains("GatherND") && e.getMessage().contains("/pick"), e.getMessage());
    }

    /** An int64 initializer [count / width, width] of the given values. */
    private static TensorProto indices(String name, int width, long... values) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length / width).addDims(width)
                .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()).build();
    }
}
