package io.geomlens.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Tolerance checks written as |got - ref| <= atol + rtol * |ref|, reporting the worst entry. */
public final class Close {
    private Close() {}

    public static void assertClose(double[] ref, double[] got, double atol, double rtol, String what) {
        if (ref.length != got.length) {
            fail(what + ": length " + got.length + " != reference " + ref.length);
        }
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < ref.length; i++) {
            double tol = atol + rtol * Math.abs(ref[i]);
            double ratio = Math.abs(got[i] - ref[i]) / tol;
            if (!(ratio <= worstRatio) || Double.isNaN(got[i])) {
                worstRatio = Double.isNaN(got[i]) ? Double.POSITIVE_INFINITY : ratio;
                worst = i;
            }
        }
        if (worstRatio > 1) {
            fail(what + ": entry " + worst + " is " + got[worst] + ", reference " + ref[worst] + " (error "
                    + Math.abs(got[worst] - ref[worst]) + " > atol " + atol + " + rtol " + rtol + " * |ref|)");
        }
    }

    public static double[] gaussian(SplittableRandom rnd, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = scale * rnd.nextGaussian();
        }
        return a;
    }

    public static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
