package io.geomlens.graph;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;

/** ONNX multidirectional (numpy) broadcasting for elementwise ops and its adjoint, the reduction. */
public final class Broadcast {
    private Broadcast() {}

    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException("cannot broadcast shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The four arithmetic ops, in loops of their own: the hot ones of every backward pass. */
    public static Tensor apply(Tensor a, Tensor b, Elementwise.Kind op) {
        return broadcast(a, b, switch (op) {
            case ADD -> Broadcast::addRun;
            case SUB -> Broadcast::subRun;
            case MUL -> Broadcast::mulRun;
            case DIV -> Broadcast::divRun;
        });
    }

    /** t broadcast to shape (numpy's rule: the result has the broadcast of both shapes). */
    public static Tensor expand(Tensor t, int[] shape) {
        return apply(t, Tensor.zeros(shape), Elementwise.Kind.ADD);
    }

    /** Any other binary function (a call per element: for the rare ops). */
    public static Tensor apply(Tensor a, Tensor b, DoubleBinaryOperator f) {
        return broadcast(a, b, (x, ia, sa, y, ib, sb, o, io, n) -> {
            for (int j = 0; j < n; j++) {
                o[io + j] = f.applyAsDouble(x[ia + j * sa], y[ib + j * sb]);
            }
        });
    }

    /** o[io + j] = x[ia + j sa] op y[ib + j sb] for j < n; sa and sb are 1, or 0 for a repeated element. */
    private interface Run {
        void apply(double[] x, int ia, int sa, double[] y, int ib, int sb, double[] o, int io, int n);
    }

    /**
     * Walks the broadcast shape with adjacent dimensions merged wherever both operands run through
     * them contiguously (or both repeat), so a [k, C, H, W] tensor against [1, C, H, W] is k runs of
     * C H W, and calls run once per innermost run.
     */
    private static Tensor broadcast(Tensor a, Tensor b, Run run) {
        int[] os = Arrays.equals(a.shape(), b.shape()) ? a.shape() : shape(a.shape(), b.shape());
        double[] x = a.data();
        double[] y = b.data();
        double[] o = new double[(int) Tensor.count(os)];
        int[] sa = strides(a.shape(), os);
        int[] sb = strides(b.shape(), os);
        int[] dims = new int[os.length];
        int r = 0;
        for (int d = 0; d < os.length; d++) {
            if (os[d] == 1) {
                continue;
            }
            if (r > 0 && sa[r - 1] == sa[d] * os[d] && sb[r - 1] == sb[d] * os[d]) {
                dims[r - 1] *= os[d];   // merged: the strides of the inner dimension carry on
                sa[r - 1] = sa[d];
                sb[r - 1] = sb[d];
            } else {
                dims[r] = os[d];
                sa[r] = sa[d];
                sb[r] = sb[d];
                r++;
            }
        }
        if (r == 0) {   // every dimension 1: one element
            run.apply(x, 0, 0, y, 0, 0, o, 0, o.length);
            return new Tensor(os, o);
        }
        int n = dims[r - 1];
        int[] idx = new int[r];
        int ia = 0;
        int ib = 0;
        for (int io = 0; io < o.length; io += n) {
            run.apply(x, ia, sa[r - 1], y, ib, sb[r - 1], o, io, n);
            for (int d = r - 2; d >= 0; d--) {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < dims[d]) {
                    break;
                }
                ia -= sa[d] * dims[d];
                ib -= sb[d] * dims[d];
                idx[d] = 0;
            }
        }
        return new Tensor(os, o);
    }

    private static void addRun(double[] x, int ia, int sa, double[] y, int ib, int sb, double[] o, int io, int n) {
        for (int j = 0; j < n; j++) {
            o[io + j] = x[ia + j * sa] + y[ib + j * sb];
        }
    }

    private static void subRun(double[] x, int ia, int sa, double[] y, int ib, int sb, double[] o, int io, int n) {
        for (int j = 0; j < n; j++) {
            o[io + j] = x[ia + j * sa] - y[ib + j * sb];
        }
    }

    private static void mulRun(double[] x, int ia, int sa, double[] y, int ib, int sb, double[] o, int io, int n) {
        for (int j = 0; j < n; j++) {
            o[io + j] = x[ia + j * sa] * y[ib + j * sb];
        }
    }

    private static void divRun(double[] x, int ia, int sa, double[] y, int ib, int sb, double[] o, int io, int n) {
        for (int j = 0; j < n; j++) {
            o[io + j] = x[ia + j * sa] / y[ib + j * sb];
        }
    }

    /** Sums g over the dimensions that broadcasting expanded, giving a tensor of shape target. */
    public static Tensor reduceTo(Tensor g, int[] target) {
        if (Arrays.equals(g.shape(), target)) {
            return g;
        }
        int[] gs = g.shape();
        double[] o = new double[(int) Tensor.count(target)];
        int[] st = strides(target, gs);
        int r = gs.length;
        int[] idx = new int[r];
        int it = 0;
        double[] x = g.data();
        for (int i = 0; i < x.length; i++) {
            o[it] += x[i];
            for (int d = r - 1; d >= 0; d--) {
                idx[d]++;
                it += st[d];
                if (idx[d] < gs[d]) {
                    break;
                }
                it -= st[d] * gs[d];
                idx[d] = 0;
            }
        }
        return new Tensor(target, o);
    }

    /** Element strides of `s` laid against the broadcast shape `out` (0 where s is broadcast). */
    public static int[] strides(int[] s, int[] out) {
        int r = out.length;
        if (s.length > r) {
            throw new ShapeException("cannot reduce shape " + Arrays.toString(out) + " to "
                    + Arrays.toString(s));
        }
        int[] st = new int[r];
        int stride = 1;
        for (int i = r - 1; i >= 0; i--) {
            int j = i - (r - s.length);
            int d = j < 0 ? 1 : s[j];
            if (d != 1 && d != out[i]) {
                throw new ShapeException("cannot broadcast shape " + Arrays.toString(s) + " to "
                        + Arrays.toString(out));
            }
            st[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return st;
    }
}
