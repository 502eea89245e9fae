package io.geomlens.onnx;

import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small StyleGAN2-style generator with random weights, written as torch.onnx.export writes
 * StyleGAN2-ADA with fused_modconv=False: a mapping network (PixelNorm, FC + LeakyReLU x sqrt 2)
 * to w; the learned constant input repeated over the batch; modulated 3x3 convolutions (input
 * scaled by the style, the conv, then demodulation by rsqrt(sum((W s)^2) + 1e-8)), bias,
 * LeakyReLU x sqrt 2, a 2x nearest upsampling; a modulated 1x1 toRGB without demodulation.
 * z [latent] -> image [3, 8, 8].
 */
public final class StyleGanLite {
    private final OnnxModelBuilder m = new OnnxModelBuilder(13);
    private final SplittableRandom rnd;
    private final int wDim;

    private StyleGanLite(long seed, int wDim) {
        this.rnd = new SplittableRandom(seed);
        this.wDim = wDim;
    }

    public static OnnxModelBuilder build(long seed, int latent, int channels) {
        StyleGanLite g = new StyleGanLite(seed, latent);
        OnnxModelBuilder m = g.m.input("z", latent);
        m.constant("eps8", new int[0], 1e-8f).constant("gain", new int[0], (float) Math.sqrt(2))
                .initializerLongs("axes234", 2, 3, 4).initializerLongs("axis0", 0)
                .initializerLongs("one3", 1, 1, 1).initializerLongs("zero1", 0).initializerLongs("one1", 1);
        // Mapping: PixelNorm, then two FC layers with the lrelu gain.
        m.node("Mul", "/mapping/sq", List.of("z", "z"), "z2")
                .node("ReduceMean", "/mapping/mean", List.of("z2"), "ms", Attr.ints("axes", 1))
                .node("Add", "/mapping/eps", List.of("ms", "eps8"), "mse")
                .node("Sqrt", "/mapping/sqrt", List.of("mse"), "rms")
                .node("Reciprocal", "/mapping/rsqrt", List.of("rms"), "inv")
                .node("Mul", "/mapping/norm", List.of("z", "inv"), "zn");
        String w = "zn";
        for (int l = 0; l < 2; l++) {
            String h = ModelZoo.linear(m, g.rnd, "/mapping/fc" + l, w, latent, latent);
            w = g.lrelu("/mapping/fc" + l, h);
        }
        // The learned constant, const.unsqueeze(0).repeat(N, 1, 1, 1).
        m.initializer("const", new int[] {channels, 4, 4}, ModelZoo.uniform(g.rnd, channels * 16, 1));
        m.node("Unsqueeze", "/synthesis/const/Unsqueeze", List.of("const", "axis0"), "c1")
                .node("Shape", "/synthesis/const/Shape", List.of(w), "wshape")
                .node("Slice", "/synthesis/const/Slice", List.of("wshape", "zero1", "one1"), "n")
                .node("Concat", "/synthesis/const/Concat", List.of("n", "one3"), "reps", Attr.i("axis", 0))
                .node("Tile", "/synthesis/const/Tile", List.of("c1", "reps"), "x0");
        String x = g.layer("/synthesis/b4/conv", "x0", w, channels, channels, 3, true);
        m.initializer("scales", new int[] {4}, new float[] {1, 1, 2, 2});
        m.node("Resize", "/synthesis/b8/up", List.of(x, "", "scales"), "x8", Attr.s("mode", "nearest"));
        x = g.layer("/synthesis/b8/conv", "x8", w, channels, channels, 3, true);
        return m.output(g.layer("/synthesis/b8/torgb", x, w, channels, 3, 1, false));
    }

    private String lrelu(String name, String x) {
        m.node("LeakyRelu", name + "/lrelu", List.of(x), name + "/lrelu_out", Attr.f("alpha", 0.2))
                .node("Mul", name + "/gain", List.of(name + "/lrelu_out", "gain"), name + "/out");
        return name + "/out";
    }

    /** A modulated conv (k x k, cin -> cout) with its affine style from w; demodulated or not (toRGB). */
    private String layer(String name, String x, String w, int cin, int cout, int k, boolean demod) {
        String style = ModelZoo.linear(m, rnd, name + "/affine", w, wDim, cin);
        float[] weight = ModelZoo.uniform(rnd, cout * cin * k * k, cin * k * k);
        m.initializer(name + ".weight", new int[] {cout, cin, k, k}, weight)
                .initializer(name + ".weight5", new int[] {1, cout, cin, k, k}, weight)
                .initializer(name + ".bias", new int[] {cout, 1, 1}, ModelZoo.uniform(rnd, cout, cin))
                .initializerLongs(name + "/s4", 0, cin, 1, 1).initializerLongs(name + "/s5", 0, 1, cin, 1, 1)
                .initializerLongs(name + "/d4", 0, cout, 1, 1);
        int p = k / 2;
        m.node("Reshape", name + "/style4", List.of(style, name + "/s4"), name + "/st4")
                .node("Mul", name + "/modulate", List.of(x, name + "/st4"), name + "/xs")
                .node("Conv", name + "/Conv", List.of(name + "/xs", name + ".weight"), name + "/y",
                        Attr.ints("pads", p, p, p, p));
        String y = name + "/y";
        if (demod) {
            m.node("Reshape", name + "/style5", List.of(style, name + "/s5"), name + "/st5")
                    .node("Mul", name + "/wstyle", List.of(name + ".weight5", name + "/st5"), name + "/ws")
                    .node("Mul", name + "/wsq", List.of(name + "/ws", name + "/ws"), name + "/ws2")
                    .node("ReduceSum", name + "/sum", List.of(name + "/ws2", "axes234"), name + "/s",
                            Attr.i("keepdims", 0))
                    .node("Add", name + "/eps", List.of(name + "/s", "eps8"), name + "/se")
                    .node("Sqrt", name + "/sqrt", List.of(name + "/se"), name + "/sd")
                    .node("Reciprocal", name + "/rsqrt", List.of(name + "/sd"), name + "/dc")
                    .node("Reshape", name + "/dcoef", List.of(name + "/dc", name + "/d4"), name + "/dc4")
                    .node("Mul", name + "/demodulate", List.of(y, name + "/dc4"), name + "/yd");
            y = name + "/yd";
        }
        m.node("Add", name + "/bias", List.of(y, name + ".bias"), name + "/yb");
        return demod ? lrelu(name, name + "/yb") : name + "/yb";
    }
}
