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

    public static Tensor apply(Tensor a, Tensor b, DoubleBinaryOperator f) {
        double[] x = a.data();
        double[] y = b.data();
        if (Arrays.equals(a.shape(), b.shape())) {
            double[] o = new double[x.length];
            for (int i = 0; i < o.length; i++) {
                o[i] = f.applyAsDouble(x[i], y[i]);
            }
            return new Tensor(a.shape(), o);
        }
        int[] os = shape(a.shape(), b.shape());
        double[] o = new double[(int) Tensor.count(os)];
        if (y.length == 1 && x.length == o.length) {
            double c = y[0];
            for (int i = 0; i < o.length; i++) {
                o[i] = f.applyAsDouble(x[i], c);
            }
            return new Tensor(os, o);
        }
        if (x.length == 1 && y.length == o.length) {
            double c = x[0];
            for (int i = 0; i < o.length; i++) {
                o[i] = f.applyAsDouble(c, y[i]);
            }
            return new Tensor(os, o);
        }
        int[] sa = strides(a.shape(), os);
        int[] sb = strides(b.shape(), os);
        int r = os.length;
        int[] idx = new int[r];
        int ia = 0;
        int ib = 0;
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(x[ia], y[ib]);
            for (int d = r - 1; d >= 0; d--) {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < os[d]) {
                    break;
                }
                ia -= sa[d] * os[d];
                ib -= sb[d] * os[d];
                idx[d] = 0;
            }
        }
        return new Tensor(os, o);
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
