package io.geomlens.descriptors;

/**
 * The plane through three anchor latents a0, a1, a2: origin at their centroid, orthonormal basis
 * e1, e2 from Gram-Schmidt on (a1 - a0, a2 - a0). A res x res grid covers
 * [-extent R, extent R]^2 in plane coordinates, R = the largest anchor distance from the centroid,
 * so extent 1.5 leaves a margin of half that distance around the anchors.
 */
public record LatentPlane(double[] origin, double[] e1, double[] e2, double[][] anchorCoords, double radius) {

    public static LatentPlane through(double[] anchors, int e) {
        if (anchors.length != 3 * e) {
            throw new IllegalArgumentException("need exactly 3 anchor latents of width " + e + ", got "
                    + (double) anchors.length / e + " rows");
        }
        double[] a0 = java.util.Arrays.copyOfRange(anchors, 0, e);
        double[] a1 = java.util.Arrays.copyOfRange(anchors, e, 2 * e);
        double[] a2 = java.util.Arrays.copyOfRange(anchors, 2 * e, 3 * e);
        double[] c = new double[e];
        for (int i = 0; i < e; i++) {
            c[i] = (a0[i] + a1[i] + a2[i]) / 3;
        }
        double[] u = sub(a1, a0);
        double nu = norm(u);
        if (nu == 0) {
            throw new IllegalArgumentException("anchors 0 and 1 coincide; pick three distinct, non-collinear latents");
        }
        scale(u, 1 / nu);
        double[] v = sub(a2, a0);
        double d = dot(v, u);
        for (int i = 0; i < e; i++) {
            v[i] -= d * u[i];
        }
        double nv = norm(v);
        if (nv <= 1e-9 * nu) {
            throw new IllegalArgumentException("the three anchors are collinear; they do not span a plane");
        }
        scale(v, 1 / nv);
        double[][] coords = new double[3][];
        double r = 0;
        for (int k = 0; k < 3; k++) {
            double[] a = k == 0 ? a0 : k == 1 ? a1 : a2;
            double[] p = sub(a, c);
            coords[k] = new double[] {dot(p, u), dot(p, v)};
            r = Math.max(r, Math.hypot(coords[k][0], coords[k][1]));
        }
        return new LatentPlane(c, u, v, coords, r);
    }

    /** Plane coordinate of grid index i (0..res-1) for the given extent (the pixel centre). */
    public double coordinate(int i, int res, double extent) {
        double half = extent * radius;
        return -half + (i + 0.5) * (2 * half / res);
    }

    /** Grid index (fractional) of a plane coordinate: the inverse of {@link #coordinate}. */
    public double index(double coord, int res, double extent) {
        double half = extent * radius;
        return (coord + half) / (2 * half / res) - 0.5;
    }

    /**
     * Latents of the grid, row-major with row = y index from the top (largest e2 coordinate first,
     * as an image is drawn) and column = x index: res * res rows of width E.
     */
    public double[] grid(int res, double extent) {
        int e = origin.length;
        double[] z = new double[res * res * e];
        for (int row = 0; row < res; row++) {
            double y = coordinate(res - 1 - row, res, extent);
            for (int col = 0; col < res; col++) {
                double x = coordinate(col, res, extent);
                int off = (row * res + col) * e;
                for (int i = 0; i < e; i++) {
                    z[off + i] = origin[i] + x * e1[i] + y * e2[i];
                }
            }
        }
        return z;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = a[i] - b[i];
        }
        return o;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static void scale(double[] a, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
    }
}
