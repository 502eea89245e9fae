package io.geomlens.graph;

/** Elementwise nonlinearity: forward f(x); both derivatives multiply by f'(x) at the primal. */
public final class Activation implements Op {
    /** In the order of geomlens_activation in native/include/geomlens.h. */
    public enum Kind {
        RELU, LEAKY_RELU, SIGMOID, TANH, GELU, GELU_TANH, ERF, ELU, SOFTPLUS, SQRT, RECIPROCAL, POW, EXP, LOG, SIN, COS,
        /** 1 where x > 0, else 0: the mask of a comparison of latent-dependent values (slope 0). */
        STEP
    }

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private final Kind kind;
    private final double alpha;
    private final boolean counted;

    public Activation(Kind kind, double alpha) {
        this(kind, alpha, true);
    }

    private Activation(Kind kind, double alpha, boolean counted) {
        this.kind = kind;
        this.alpha = alpha;
        this.counted = counted;
    }

    /**
     * A ReLU that selects rather than activates: MaxPool's max(a, b) = a + relu(b - a). Not a
     * neuron: delta counts the inputs of activations (MATH.md), and torch's hooks see no MaxPool.
     */
    public static Activation selection() {
        return new Activation(Kind.RELU, 0, false);
    }

    public Kind kind() {
        return kind;
    }

    public double alpha() {
        return alpha;
    }

    /**
     * The activations count (MATH.md's list and its kin). A lone Erf is a GELU that the importer
     * could not fuse (an unusual export order); its input x / sqrt 2 has the sign of the GELU's
     * input, so its neurons are the GELU's. SQRT, RECIPROCAL, POW (alpha the exponent), EXP, LOG,
     * SIN and COS are arithmetic (normalization statistics, scales, embeddings), not neurons; STEP
     * is a comparison (Where's condition), not a neuron either.
     */
    @Override
    public boolean isNonlinearity() {
        return counted && kind.ordinal() < Kind.SQRT.ordinal();
    }

    public double value(double x) {
        return switch (kind) {
            case RELU -> x > 0 ? x : 0.0;
            case LEAKY_RELU -> x > 0 ? x : alpha * x;
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case GELU -> 0.5 * x * (1.0 + Erf.erf(x * INV_SQRT_2));
            case GELU_TANH -> 0.5 * x * (1.0 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
            case ERF -> Erf.erf(x);
            case ELU -> x > 0 ? x : alpha * Math.expm1(x);
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case SQRT -> Math.sqrt(x);
            case RECIPROCAL -> 1.0 / x;
            case POW -> Math.pow(x, alpha);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case STEP -> x > 0 ? 1.0 : 0.0;
        };
    }

    public double derivative(double x) {
        return switch (kind) {
            case RELU -> x > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> x > 0 ? 1.0 : alpha;
            case SIGMOID -> {
                double s = 1.0 / (1.0 + Math.exp(-x));
                yield s * (1.0 - s);
            }
            case TANH -> {
                double t = Math.tanh(x);
                yield 1.0 - t * t;
            }
            case GELU -> 0.5 * (1.0 + Erf.erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
            case GELU_TANH -> {
                double u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(u);
                double du = SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x);
                yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
            }
            case ERF -> 2.0 / Math.sqrt(Math.PI) * Math.exp(-x * x);
            case ELU -> x > 0 ? 1.0 : alpha * Math.exp(x);
            case SOFTPLUS -> 1.0 / (1.0 + Math.exp(-x));
            case SQRT -> 0.5 / Math.sqrt(x);
            case RECIPROCAL -> -1.0 / (x * x);
            case POW -> alpha * Math.pow(x, alpha - 1);
            case EXP -> Math.exp(x);
            case LOG -> 1.0 / x;
            case SIN -> Math.cos(x);
            case COS -> -Math.sin(x);
            case STEP -> 0.0;
        };
    }

    /** One loop per common kind (the same expressions as value): a switch per element keeps the JIT from vectorizing. */
    @Override
    public Tensor forward(Tensor[] x) {
        double[] in = x[0].data();
        double[] out = new double[in.length];
        switch (kind) {
            case RELU -> {
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[i] > 0 ? in[i] : 0.0;
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < in.length; i++) {
                    out[i] = 1.0 / (1.0 + Math.exp(-in[i]));
                }
            }
            default -> {
                for (int i = 0; i < in.length; i++) {
                    out[i] = value(in[i]);
                }
            }
        }
        return new Tensor(x[0].shape(), out);
    }

    @Override
    public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
        return Broadcast.apply(t[0], slope(x[0]), Elementwise.Kind.MUL);
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        return new Tensor[] {Broadcast.apply(gy, slope(x[0]), Elementwise.Kind.MUL)};
    }

    private Tensor slope(Tensor x) {
        double[] in = x.data();
        double[] d = new double[in.length];
        if (kind == Kind.RELU) {   // as in forward: the common kind in a loop of its own
            for (int i = 0; i < in.length; i++) {
                d[i] = in[i] > 0 ? 1.0 : 0.0;
            }
        } else {
            for (int i = 0; i < in.length; i++) {
                d[i] = derivative(in[i]);
            }
        }
        return new Tensor(x.shape(), d);
    }
}
