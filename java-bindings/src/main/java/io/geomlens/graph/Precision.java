package io.geomlens.graph;

/**
 * Arithmetic precision of the CPU backend. FLOAT32 rounds every op output (and the weights) to
 * float32, as a float32 GPU kernel stores them; FLOAT64 keeps doubles, for finite-difference
 * checks and as the reference for psi.
 */
public enum Precision {
    FLOAT32,
    FLOAT64;

    public void round(double[] a) {
        if (this == FLOAT32) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) a[i];
            }
        }
    }
}
