package io.geomlens.metric;

import io.geomlens.Generator;
import io.geomlens.NonFiniteModelException;

/**
 * The pullback metric H(z) = J^T J as an operator: H v = VJP(JVP(v)), one batched JVP then one
 * batched VJP for all m vectors. H is never formed.
 */
public final class HessianVectorProduct implements SymmetricOperator {
    private final Generator gen;
    private final double[] z;

    public HessianVectorProduct(Generator gen, double[] z) {
        this.gen = gen;
        this.z = z.clone();
    }

    @Override
    public int dimension() {
        return gen.latentDim();
    }

    @Override
    public double[] apply(double[] v, int m) {
        double[] jv = gen.jvp(z, v, m);
        NonFiniteModelException.check(jv, "Jacobian", "at this latent", gen.backendName());
        return gen.vjp(z, jv, m);
    }
}
