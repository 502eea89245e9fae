package io.geomlens.metric;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlockLanczosTest {
    /** Counts operator calls and vectors, to show the block form batches its work. */
    private static final class Counting implements SymmetricOperator {
        final SymmetricOperator h;
        int calls;

        Counting(SymmetricOperator h) {
            this.h = h;
        }

        public int dimension() {
            return h.dimension();
        }

        public double[] apply(double[] v, int m) {
            calls++;
            return h.apply(v, m);
        }
    }

    @Test
    void agreesWithTheExactSpectrumForSeveralBlockSizes() {
        for (var m : new io.geomlens.onnx.OnnxModelBuilder[] {ModelZoo.mlp(7, "Tanh", 40, 64, 64, 50),
                ModelZoo.convDecoder(9, 24)}) {
            Graph g = OnnxImporter.read(m.toBytes(), "model");
            Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
            double[] z = Close.gaussian(new SplittableRandom(1), g.latentDim(), 1.0);
            double[] exact = new MetricTensor(gen).exact(z, 20).eigenvalues();
            for (int b : new int[] {1, 4, 7, 20}) {
                Counting op = new Counting(new HessianVectorProduct(gen, z));
                MetricSpectrum s = new BlockLanczos(20, b, 1e-6, 3).run(op);
                assertClose(exact, s.eigenvalues(), 0, 1e-6, "block " + b);
                assertTrue(s.converged(), "block " + b + " residuals " + java.util.Arrays.toString(s.residuals()));
                if (b >= 7) {
                    assertTrue(op.calls <= 12, "block " + b + " used " + op.calls + " operator calls");
                }
            }
        }
    }

    @Test
    void rankDeficientMetricDeflates() {
        // D = 5 < E = 12: H has rank 5; the block runs into the invariant subspace and must continue.
        Graph g = OnnxImporter.read(ModelZoo.mlp(2, "Tanh", 12, 5).toBytes(), "narrow");
        Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
        double[] z = Close.gaussian(new SplittableRandom(5), 12, 1.0);
        double[] exact = new MetricTensor(gen).exact(z, 8).eigenvalues();
        MetricSpectrum s = new BlockLanczos(8, 3, 1e-6, 1).run(new HessianVectorProduct(gen, z));
        assertClose(exact, s.eigenvalues(), 1e-12 * exact[0], 1e-6, "rank 5 of 12");
    }
}
