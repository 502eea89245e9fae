package io.geomlens.graph;

/**
 * Floating-point operations of one latent's passes through a graph, for reporting achieved
 * FLOP/s: a multiply-add counts 2, pointwise ops their elements times a small constant, a sparse
 * map 2 per entry and plane, pure data movement (Reshape, Transpose, Concat, Upsample) 0. Counts
 * follow the backends' algorithms (GEMMs for Dense, Conv, ConvTranspose and attention MatMuls),
 * not the cheapest possible ones.
 */
public final class FlopCount {
    private FlopCount() {}

    /** One sample through the forward pass. */
    public static long forward(Graph g) {
        long f = 0;
        for (Graph.Node n : g.nodes()) {
            f += node(g, n, false);
        }
        return f;
    }

    /** One tangent through the JVP at a fixed primal (a VJP's cotangent costs the same). */
    public static long tangent(Graph g) {
        long f = 0;
        for (Graph.Node n : g.nodes()) {
            f += node(g, n, true);
        }
        return f;
    }

    /**
     * psi/nu of one latent: one forward, `rows` tangents (E on the exact route, k projected), the
     * float64 Gram matrix of the smaller side of the rows x cols stack (cols = D exact, E
     * projected; n = min(rows, cols) square) and a symmetric eigen-solve of it ((4/3) n^3, the
     * tridiagonal reduction).
     */
    public static long psiNu(Graph g, boolean exact, int k) {
        long rows = exact ? g.latentDim() : k;
        long cols = exact ? g.outputDim() : g.latentDim();
        long n = Math.min(rows, cols);
        return forward(g) + rows * tangent(g) + 2 * n * n * Math.max(rows, cols) + 4 * n * n * n / 3;
    }

    private static int[] shape(Graph g, int value) {
        int[] s = g.valueShape(value);
        return s != null ? s : g.constant(value).shape();
    }

    private static long node(Graph g, Graph.Node n, boolean tangent) {
        int[] in = shape(g, n.inputs()[0]);
        int[] out = shape(g, n.output());
        long outCount = Tensor.count(out);
        return switch (n.op()) {
            case Dense d -> {
                long rows = Tensor.count(in) / d.inFeatures();
                yield 2L * rows * d.inFeatures() * d.outFeatures() + (tangent || d.bias() == null ? 0 : outCount);
            }
            case Conv2d c -> {
                ConvGeometry geo = c.geometry(in[2], in[3]);
                long gemm = 2L * geo.cout() * geo.groupRows() * geo.ho() * geo.wo();
                yield gemm + (tangent || c.bias() == null ? 0 : outCount);
            }
            case BatchedMatMul m -> {
                int r = out.length;
                long one = 2L * Tensor.product(out, 1, r - 2) * out[r - 2] * out[r - 1] * in[r - 1];
                boolean bothVary = g.valueShape(n.inputs()[0]) != null && g.valueShape(n.inputs()[1]) != null;
                yield tangent && bothVary ? 2 * one + outCount : one;
            }
            case Softmax s -> 4 * outCount;
            case InstanceNorm s -> (tangent ? 8 : 5) * outCount;
            case Activation a -> tangent ? outCount : 4 * outCount;
            case Elementwise e -> tangent && e.kind().ordinal() >= Elementwise.Kind.MUL.ordinal() ? 3 * outCount
                    : outCount;
            case ChannelAffine a -> 2 * outCount;
            case UpsampleLinear u -> 8 * outCount;   // four taps, weighted
            case SparseMap m -> 2L * m.map().column().length * (outCount / m.outWidth());
            case Reduce r -> Tensor.count(in);
            default -> 0;   // Reshape, Transpose, Concat, UpsampleNearest: data movement
        };
    }
}
