package io.geomlens.onnx;

import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A latent-diffusion VAE decoder (the layout of diffusers' AutoencoderKL decoder, scaled down)
 * with random weights, written node for node as torch.onnx.export writes it at opset 17:
 * GroupNorm as Reshape / InstanceNormalization / Reshape(Shape(x)) / Mul / Add, SiLU as
 * x * Sigmoid(x), views built from Shape -> Gather -> Mul -> Unsqueeze -> Concat, and
 * scaled_dot_product_attention with its 1/sqrt(head size) computed from the query's shape.
 *
 * <p>latent [c_lat, s, s] -> post-quant 1x1 conv -> conv_in -> mid (ResNet, attention, ResNet) ->
 * ResNet + 2x nearest upsample + conv -> ResNet to the second width -> GroupNorm, SiLU,
 * conv_out -> [3, 2s, 2s].
 */
public final class DiffusionDecoder {
    private final OnnxModelBuilder m = new OnnxModelBuilder(17);
    private final SplittableRandom rnd;
    private final int groups;
    private final java.util.Set<String> pieces = new java.util.HashSet<>();

    private DiffusionDecoder(long seed, int groups) {
        this.rnd = new SplittableRandom(seed);
        this.groups = groups;
    }

    /**
     * @param latentChannels channels of the latent (4 in Stable Diffusion)
     * @param size latent height and width
     * @param width channels of the mid block; the last block has width / 2
     * @param groups GroupNorm groups (32 in Stable Diffusion); must divide width / 2
     */
    public static OnnxModelBuilder build(long seed, int latentChannels, int size, int width, int groups) {
        if (width % 2 != 0 || (width / 2) % groups != 0) {
            throw new IllegalArgumentException("groups " + groups + " must divide width / 2 = " + width / 2);
        }
        DiffusionDecoder d = new DiffusionDecoder(seed, groups);
        OnnxModelBuilder m = d.m.input("z", latentChannels, size, size);
        m.initializerLongs("axes01", 0).initializerLongs("axes12", 1, 2).initializerLongs("axes1", 1);
        m.constant("one", new int[] {}, 1f);
        String x = d.conv("/post_quant_conv", "z", latentChannels, latentChannels, 1);
        x = d.conv("/decoder/conv_in", x, latentChannels, width, 3);
        x = d.resnet("/decoder/mid_block/resnets.0", x, width, width);
        x = d.attention("/decoder/mid_block/attentions.0", x, width);
        x = d.resnet("/decoder/mid_block/resnets.1", x, width, width);
        x = d.resnet("/decoder/up_blocks.0/resnets.0", x, width, width);
        x = d.upsample("/decoder/up_blocks.0/upsamplers.0", x, width);
        x = d.resnet("/decoder/up_blocks.1/resnets.0", x, width, width / 2);
        x = d.groupNorm("/decoder/conv_norm_out", x, width / 2, 4);
        x = d.silu("/decoder/conv_act", x);
        x = d.conv("/decoder/conv_out", x, width / 2, 3, 3);
        return m.output(x);
    }

    /** Conv k x k, stride 1, same padding, with bias (PyTorch-default init). */
    private String conv(String name, String x, int cin, int cout, int k) {
        int fan = cin * k * k;
        m.initializer(name + ".weight", new int[] {cout, cin, k, k}, ModelZoo.uniform(rnd, cout * fan, fan));
        m.initializer(name + ".bias", new int[] {cout}, ModelZoo.uniform(rnd, cout, fan));
        int p = k / 2;
        String y = name + "/Conv_out";
        m.node("Conv", name + "/Conv", List.of(x, name + ".weight", name + ".bias"), y,
                Attr.ints("kernel_shape", k, k), Attr.ints("pads", p, p, p, p), Attr.ints("strides", 1, 1));
        return y;
    }

    /** nn.GroupNorm(groups, c) on a rank-(2 + spatial) input, as the opset-9 symbolic exports it. */
    private String groupNorm(String name, String x, int c, int rank) {
        m.initializerLongs(name + "/grouped", 0, groups, -1);
        float[] ones = new float[groups];
        java.util.Arrays.fill(ones, 1f);
        m.initializer(name + "/ones", new int[] {groups}, ones).initializer(name + "/zeros", new int[] {groups},
                new float[groups]);
        float[] gamma = new float[c];
        float[] beta = new float[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = (float) (1 + 0.1 * rnd.nextGaussian());
            beta[i] = (float) (0.1 * rnd.nextGaussian());
        }
        m.initializer(name + ".weight", new int[] {c}, gamma).initializer(name + ".bias", new int[] {c}, beta);
        String axes = rank == 4 ? "axes12" : "axes1";
        m.node("Reshape", name + "/Reshape", List.of(x, name + "/grouped"), name + "/Reshape_out")
                .node("InstanceNormalization", name + "/InstanceNormalization",
                        List.of(name + "/Reshape_out", name + "/ones", name + "/zeros"), name + "/in_out",
                        Attr.f("epsilon", 1e-6))
                .node("Shape", name + "/Shape", List.of(x), name + "/Shape_out")
                .node("Reshape", name + "/Reshape_1", List.of(name + "/in_out", name + "/Shape_out"), name + "/back")
                .node("Unsqueeze", name + "/Unsqueeze", List.of(name + ".weight", axes), name + "/w")
                .node("Mul", name + "/Mul", List.of(name + "/back", name + "/w"), name + "/Mul_out")
                .node("Unsqueeze", name + "/Unsqueeze_1", List.of(name + ".bias", axes), name + "/b")
                .node("Add", name + "/Add", List.of(name + "/Mul_out", name + "/b"), name + "/Add_out");
        return name + "/Add_out";
    }

    private String silu(String name, String x) {
        m.node("Sigmoid", name + "/Sigmoid", List.of(x), name + "/Sigmoid_out")
                .node("Mul", name + "/Mul", List.of(x, name + "/Sigmoid_out"), name + "/Mul_out");
        return name + "/Mul_out";
    }

    /** ResnetBlock2D: norm1, SiLU, conv1, norm2, SiLU, conv2, plus the (1x1-projected) input, / 1.0. */
    private String resnet(String name, String x, int cin, int cout) {
        String h = groupNorm(name + "/norm1", x, cin, 4);
        h = conv(name + "/conv1", silu(name + "/act1", h), cin, cout, 3);
        h = groupNorm(name + "/norm2", h, cout, 4);
        h = conv(name + "/conv2", silu(name + "/act2", h), cout, cout, 3);
        String skip = cin == cout ? x : conv(name + "/conv_shortcut", x, cin, cout, 1);
        m.node("Add", name + "/Add", List.of(skip, h), name + "/Add_out")
                .node("Div", name + "/Div", List.of(name + "/Add_out", "one"), name + "/Div_out");
        return name + "/Div_out";
    }

    /** Upsample2D: F.interpolate(scale_factor=2, mode="nearest"), then a 3x3 conv. */
    private String upsample(String name, String x, int c) {
        m.initializer(name + "/scales", new int[] {4}, new float[] {1, 1, 2, 2});
        m.node("Resize", name + "/Resize", List.of(x, "", name + "/scales"), name + "/Resize_out",
                Attr.s("mode", "nearest"), Attr.s("coordinate_transformation_mode", "asymmetric"),
                Attr.s("nearest_mode", "floor"));
        return conv(name + "/conv", name + "/Resize_out", c, c, 3);
    }

    /** x.shape[i] as torch traces it: Gather(Shape(x), i), then Unsqueeze to a 1-element shape piece. */
    private String dim(String name, String shape, int i) {
        m.constantLong(name + "/idx" + i, i)
                .node("Gather", name + "/Gather_" + i, List.of(shape, name + "/idx" + i), name + "/d" + i,
                        Attr.i("axis", 0));
        return name + "/d" + i;
    }

    /** The scalar as a 1-element tensor for Concat (one Unsqueeze per scalar, reused). */
    private String piece(String scalar) {
        if (pieces.add(scalar)) {
            m.node("Unsqueeze", scalar + "/Unsqueeze", List.of(scalar, "axes01"), scalar + "/u");
        }
        return scalar + "/u";
    }

    /** Linear on [N, tokens, c]: MatMul by the transposed weight, then the bias. */
    private String linear(String name, String x, int c) {
        m.initializer(name + ".weightT", new int[] {c, c}, ModelZoo.uniform(rnd, c * c, c));
        m.initializer(name + ".bias", new int[] {c}, ModelZoo.uniform(rnd, c, c));
        m.node("MatMul", name + "/MatMul", List.of(x, name + ".weightT"), name + "/MatMul_out")
                .node("Add", name + "/Add", List.of(name + ".bias", name + "/MatMul_out"), name + "/Add_out");
        return name + "/Add_out";
    }

    /** diffusers Attention (one head, as in the VAE) with AttnProcessor2_0 and the residual. */
    private String attention(String name, String x, int c) {
        m.node("Shape", name + "/Shape", List.of(x), name + "/shape");
        String b = dim(name, name + "/shape", 0);
        String ch = dim(name, name + "/shape", 1);
        String hh = dim(name, name + "/shape", 2);
        String ww = dim(name, name + "/shape", 3);
        m.node("Mul", name + "/Mul_hw", List.of(hh, ww), name + "/hw")
                .node("Concat", name + "/Concat", List.of(piece(b), piece(ch), piece(name + "/hw")),
                        name + "/flat_shape", Attr.i("axis", 0))
                .node("Reshape", name + "/Reshape", List.of(x, name + "/flat_shape"), name + "/flat")
                .node("Transpose", name + "/Transpose", List.of(name + "/flat"), name + "/tokens",
                        Attr.ints("perm", 0, 2, 1))
                // attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
                .node("Transpose", name + "/Transpose_1", List.of(name + "/tokens"), name + "/chw",
                        Attr.ints("perm", 0, 2, 1));
        String normed = groupNorm(name + "/group_norm", name + "/chw", c, 3);
        m.node("Transpose", name + "/Transpose_2", List.of(normed), name + "/normed", Attr.ints("perm", 0, 2, 1));
        String q = linear(name + "/to_q", name + "/normed", c);
        String k = linear(name + "/to_k", name + "/normed", c);
        String v = linear(name + "/to_v", name + "/normed", c);
        // query.view(b, -1, heads, head_dim).transpose(1, 2), heads = 1
        m.initializerLongs(name + "/heads_tail", -1, 1, c);
        m.node("Concat", name + "/Concat_1", List.of(piece(b), name + "/heads_tail"), name + "/head_shape",
                Attr.i("axis", 0));
        String[] split = new String[3];
        String[] names = {"q", "k", "v"};
        String[] in = {q, k, v};
        for (int i = 0; i < 3; i++) {
            String p = name + "/" + names[i];
            m.node("Reshape", p + "/Reshape", List.of(in[i], name + "/head_shape"), p + "/split")
                    .node("Transpose", p + "/Transpose", List.of(p + "/split"), p + "/heads",
                            Attr.ints("perm", 0, 2, 1, 3));
            split[i] = p + "/heads";
        }
        String sdpa = name + "/sdpa";
        m.initializerLongs(sdpa + "/minus1", -1).initializerLongs(sdpa + "/max", Long.MAX_VALUE);
        m.constant(sdpa + "/one", new int[] {1}, 1f);
        m.node("Shape", sdpa + "/Shape", List.of(split[0]), sdpa + "/qshape")
                .node("Slice", sdpa + "/Slice", List.of(sdpa + "/qshape", sdpa + "/minus1", sdpa + "/max"),
                        sdpa + "/last")
                .node("Cast", sdpa + "/Cast", List.of(sdpa + "/last"), sdpa + "/e", Attr.i("to", 1))
                .node("Sqrt", sdpa + "/Sqrt", List.of(sdpa + "/e"), sdpa + "/sqrt_e")
                .node("Div", sdpa + "/Div", List.of(sdpa + "/one", sdpa + "/sqrt_e"), sdpa + "/scale")
                .node("Sqrt", sdpa + "/Sqrt_1", List.of(sdpa + "/scale"), sdpa + "/root")
                .node("Transpose", sdpa + "/Transpose", List.of(split[1]), sdpa + "/kt", Attr.ints("perm", 0, 1, 3, 2))
                .node("Mul", sdpa + "/Mul", List.of(split[0], sdpa + "/root"), sdpa + "/qs")
                .node("Mul", sdpa + "/Mul_1", List.of(sdpa + "/kt", sdpa + "/root"), sdpa + "/ks")
                .node("MatMul", sdpa + "/MatMul", List.of(sdpa + "/qs", sdpa + "/ks"), sdpa + "/scores")
                .node("Softmax", sdpa + "/Softmax", List.of(sdpa + "/scores"), sdpa + "/probs", Attr.i("axis", -1))
                .node("MatMul", sdpa + "/MatMul_1", List.of(sdpa + "/probs", split[2]), sdpa + "/out");
        m.initializerLongs(name + "/merge_tail", -1, c);
        m.node("Transpose", name + "/Transpose_3", List.of(sdpa + "/out"), name + "/merged_t",
                        Attr.ints("perm", 0, 2, 1, 3))
                .node("Concat", name + "/Concat_2", List.of(piece(b), name + "/merge_tail"),
                        name + "/merge_shape", Attr.i("axis", 0))
                .node("Reshape", name + "/Reshape_1", List.of(name + "/merged_t", name + "/merge_shape"),
                        name + "/merged");
        String o = linear(name + "/to_out.0", name + "/merged", c);
        m.node("Transpose", name + "/Transpose_4", List.of(o), name + "/back_t", Attr.ints("perm", 0, 2, 1))
                .node("Concat", name + "/Concat_3", List.of(piece(b), piece(ch), piece(hh),
                        piece(ww)), name + "/image_shape", Attr.i("axis", 0))
                .node("Reshape", name + "/Reshape_2", List.of(name + "/back_t", name + "/image_shape"), name + "/image")
                .node("Add", name + "/Add", List.of(name + "/image", x), name + "/Add_out")
                .node("Div", name + "/Div", List.of(name + "/Add_out", "one"), name + "/Div_out");
        return name + "/Div_out";
    }
}
