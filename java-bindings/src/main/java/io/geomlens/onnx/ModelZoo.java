package io.geomlens.onnx;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random generators written as ONNX, the shapes the benchmarks and the demo use. Weights
 * follow PyTorch's default init (uniform in +-1/sqrt(fan_in)) so activations stay in range.
 */
public final class ModelZoo {
    private ModelZoo() {}

    /** MLP E -> hidden... -> D with the given hidden activation and a Sigmoid output (opset 17). */
    public static OnnxModelBuilder mlp(long seed, String activation, int... widths) {
        SplittableRandom rnd = new SplittableRandom(seed);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", widths[0]);
        String x = "z";
        for (int l = 0; l + 1 < widths.length; l++) {
            String fc = "/fc" + l;
            x = linear(m, rnd, fc, x, widths[l], widths[l + 1]);
            boolean last = l + 2 == widths.length;
            String act = last ? "Sigmoid" : activation;
            String y = fc + "/" + act + "_out";
            if (act.equals("GeluErf")) {
                geluErf(m, fc + "/act", x, y);
            } else {
                m.node(act, fc + "/" + act, List.of(x), y);
            }
            x = y;
        }
        return m.output(x);
    }

    /** Conv decoder: E -> Linear 3136 -> [64,7,7] -> ConvT 64->32 (14x14) -> ConvT 32->1 (28x28). */
    public static OnnxModelBuilder convDecoder(long seed, int latent) {
        SplittableRandom rnd = new SplittableRandom(seed);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", latent);
        String h = linear(m, rnd, "/fc", "z", latent, 64 * 7 * 7);
        m.node("Relu", "/fc/Relu", List.of(h), "h0");
        m.initializerLongs("shape", -1, 64, 7, 7);
        m.node("Reshape", "/Reshape", List.of("h0", "shape"), "h1");
        convT(m, rnd, "/up1", "h1", "h2", 64, 32, 4, 2, 1);
        m.node("Relu", "/up1/Relu", List.of("h2"), "h3");
        convT(m, rnd, "/up2", "h3", "h4", 32, 1, 4, 2, 1);
        m.node("Sigmoid", "/up2/Sigmoid", List.of("h4"), "x");
        return m.output("x");
    }

    /** DCGAN generator nz -> [nc, 64, 64] (ConvT + BatchNorm(eval) + ReLU, Tanh out). */
    public static OnnxModelBuilder dcgan(long seed, int nz, int ngf, int nc) {
        SplittableRandom rnd = new SplittableRandom(seed);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", nz, 1, 1);
        int[] ch = {nz, ngf * 8, ngf * 4, ngf * 2, ngf, nc};
        String x = "z";
        for (int l = 0; l < 5; l++) {
            String p = "/main/" + l;
            String y = p + "/convT";
            convT(m, rnd, p, x, y, ch[l], ch[l + 1], 4, l == 0 ? 1 : 2, l == 0 ? 0 : 1);
            if (l < 4) {
                batchNorm(m, rnd, p, y, p + "/bn", ch[l + 1]);
                m.node("Relu", p + "/Relu", List.of(p + "/bn"), p + "/relu");
                x = p + "/relu";
            } else {
                m.node("Tanh", p + "/Tanh", List.of(y), "x");
            }
        }
        return m.output("x");
    }

    /**
     * A class-conditional MLP generator G(z, label) = Sigmoid(MLP([z, embedding[label]])) as torch
     * exports nn.Embedding and torch.cat: inputs z [N, latent] and label [N] (int64). Describe it
     * with the label fixed (geomlens --fix label=3).
     */
    public static OnnxModelBuilder conditionalMlp(long seed, int classes, int embed, int latent, int hidden, int out) {
        SplittableRandom rnd = new SplittableRandom(seed);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", latent).inputLong("label");
        m.initializer("embedding.weight", new int[] {classes, embed}, uniform(rnd, classes * embed, 1));
        m.node("Gather", "/embedding/Gather", List.of("embedding.weight", "label"), "e", OnnxModelBuilder.Attr.i("axis", 0))
                .node("Concat", "/Concat", List.of("z", "e"), "ze", OnnxModelBuilder.Attr.i("axis", 1));
        String h = linear(m, rnd, "/fc0", "ze", latent + embed, hidden);
        m.node("Relu", "/fc0/Relu", List.of(h), "h");
        String y = linear(m, rnd, "/fc1", "h", hidden, out);
        m.node("Sigmoid", "/fc1/Sigmoid", List.of(y), "x");
        return m.output("x");
    }

    /** A Gemm layer (weight [out, in], bias) with PyTorch-default uniform init; returns its output name. */
    public static String linear(OnnxModelBuilder m, SplittableRandom rnd, String name, String x, int in, int out) {
        m.initializer(name + ".weight", new int[] {out, in}, uniform(rnd, out * in, in));
        m.initializer(name + ".bias", new int[] {out}, uniform(rnd, out, in));
        String y = name + "/Gemm_out";
        m.node("Gemm", name + "/Gemm", List.of(x, name + ".weight", name + ".bias"), y,
                OnnxModelBuilder.Attr.i("transB", 1));
        return y;
    }

    static void convT(OnnxModelBuilder m, SplittableRandom rnd, String name, String x, String y, int cin,
                      int cout, int k, int stride, int pad) {
        m.initializer(name + ".weight", new int[] {cin, cout, k, k}, uniform(rnd, cin * cout * k * k, cout * k * k));
        m.node("ConvTranspose", name + "/ConvTranspose", List.of(x, name + ".weight"), y,
                OnnxModelBuilder.Attr.ints("strides", stride, stride),
                OnnxModelBuilder.Attr.ints("pads", pad, pad, pad, pad),
                OnnxModelBuilder.Attr.ints("kernel_shape", k, k));
    }

    static void batchNorm(OnnxModelBuilder m, SplittableRandom rnd, String name, String x, String y, int c) {
        float[] gamma = new float[c];
        float[] beta = new float[c];
        float[] mean = new float[c];
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            gamma[i] = (float) (1.0 + 0.1 * rnd.nextGaussian());
            beta[i] = (float) (0.1 * rnd.nextGaussian());
            mean[i] = (float) (0.1 * rnd.nextGaussian());
            var[i] = (float) (0.5 + rnd.nextDouble());
        }
        m.initializer(name + ".bn.weight", new int[] {c}, gamma);
        m.initializer(name + ".bn.bias", new int[] {c}, beta);
        m.initializer(name + ".bn.running_mean", new int[] {c}, mean);
        m.initializer(name + ".bn.running_var", new int[] {c}, var);
        m.node("BatchNormalization", name + "/BatchNormalization",
                List.of(x, name + ".bn.weight", name + ".bn.bias", name + ".bn.running_mean", name + ".bn.running_var"),
                y, OnnxModelBuilder.Attr.f("epsilon", 1e-5));
    }

    /** GELU as torch.onnx.export writes it at opset 17: Div, Erf, Add, Mul, Mul with Constants. */
    static void geluErf(OnnxModelBuilder m, String name, String x, String y) {
        m.constant(name + "/sqrt2", new int[0], (float) Math.sqrt(2.0));
        m.constant(name + "/one", new int[0], 1f);
        m.constant(name + "/half", new int[0], 0.5f);
        m.node("Div", name + "/Div", List.of(x, name + "/sqrt2"), name + "/Div_out");
        m.node("Erf", name + "/Erf", List.of(name + "/Div_out"), name + "/Erf_out");
        m.node("Add", name + "/Add", List.of(name + "/Erf_out", name + "/one"), name + "/Add_out");
        m.node("Mul", name + "/Mul", List.of(x, name + "/Add_out"), name + "/Mul_out");
        m.node("Mul", name + "/Mul_1", List.of(name + "/Mul_out", name + "/half"), y);
    }

    /** n weights uniform in +-1/sqrt(fanIn), as PyTorch initializes them. */
    public static float[] uniform(SplittableRandom rnd, int n, int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
        }
        return w;
    }
}
