package io.geomlens;

/** Argument checks shared by every backend, so bad input fails the same way everywhere. */
public final class Inputs {
    private Inputs() {}

    /** Checks a row-major rows x width array: length and finiteness, naming the first bad entry. */
    public static void matrix(String what, double[] a, int rows, int width, String widthName) {
        if (a == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (rows < 0) {
            throw new IllegalArgumentException(what + ": negative count " + rows);
        }
        if ((long) rows * width != a.length) {
            String hint = width > 0 && a.length % width != 0
                    ? " (its length " + a.length + " is not a multiple of " + widthName + " = " + width + ")"
                    : " (expected " + rows + " x " + width + " = " + (long) rows * width + " values, got "
                    + a.length + ")";
            throw new IllegalArgumentException(what + " has the wrong size for " + widthName + " = " + width
                    + hint);
        }
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                throw new IllegalArgumentException(what + " row " + i / width + ", column " + i % width
                        + " is " + a[i] + "; remove or replace non-finite values");
            }
        }
    }
}
