package io.geomlens.graph;

/**
 * Storage precision of the CPU backend. FLOAT32 stores every op output (and the inputs) as
 * float32, as a float32 GPU kernel does, while ops compute in double; FLOAT64 keeps doubles,
 * for finite-difference checks and as the reference for psi.
 */
public enum Precision {
    FLOAT32,
    FLOAT64;

    /** The tensor as this precision stores it between ops. */
    public Tensor store(Tensor t) {
        return this == FLOAT32 ? t.toFloat32() : t;
    }
}
