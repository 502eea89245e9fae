package io.geomlens.testing;

import io.geomlens.linalg.Orthonormal;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.onnx.OnnxModelBuilder.Attr;
import java.util.List;

/** Matrices and linear generators with chosen singular values: A = U diag(s) V^T, U and V seeded. */
public final class KnownSpectrum {
    private KnownSpectrum() {}

    /** Row-major m x n A = U diag(s) V^T with orthonormal U (seed) and V (seed + 1) columns. */
    public static double[] matrix(double[] s, int m, int n, long seed) {
        int r = s.length;
        double[] ut = Orthonormal.rows(r, m, seed);
        double[] vt = Orthonormal.rows(r, n, seed + 1);
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int t = 0; t < r; t++) {
                    sum += ut[t * m + i] * s[t] * vt[t * n + j];
                }
                a[i * n + j] = sum;
            }
        }
        return a;
    }

    /** G(z) = A z (one Gemm, A rounded to float32 as ONNX stores it), D = d outputs, E = e latents. */
    public static OnnxModelBuilder linearGenerator(double[] s, int d, int e, long seed) {
        double[] a = matrix(s, d, e, seed);
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return new OnnxModelBuilder(17).input("z", e).initializer("A", new int[] {d, e}, f)
                .node("Gemm", "/lin", List.of("z", "A"), "y", Attr.i("transB", 1)).output("y");
    }
}
