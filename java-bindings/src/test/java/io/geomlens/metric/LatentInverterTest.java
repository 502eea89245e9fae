package io.geomlens.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Precision;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import io.geomlens.testing.KnownSpectrum;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatentInverterTest {
    /** G(z) = A z with A = U diag(s) V^T: a rotated, ill-conditioned linear generator. */
    private static Generator linear(double[] s, int d, int e) {
        return new CpuBackend(Precision.FLOAT64).load(OnnxImporter.read(
                KnownSpectrum.linearGenerator(s, d, e, 5).toBytes(), "linear"));
    }

    @Test
    void eigenbasisAdamBeatsPlainAdamOnARotatedIllConditionedMap() {
        Generator g = linear(new double[] {10, 6, 3, 1, 0.5, 0.2}, 12, 6);
        double[] zStar = Close.gaussian(new SplittableRandom(1), 6, 1.0);
        double[] target = g.forward(zStar, 1);
        double[] z0 = new double[6];
        var plain = LatentInverter.plain(g).invert(target, z0, 150, 0.05);
        var eigen = LatentInverter.eigenbasis(g, 4, 2).invert(target, z0, 150, 0.05);
        assertTrue(plain.finalLoss() < plain.losses()[0], "plain Adam still descends");
        assertTrue(eigen.finalLoss() < 0.5 * plain.finalLoss(),
                "eigen " + eigen.finalLoss() + " vs plain " + plain.finalLoss());
    }

    @Test
    void invertsANonlinearGenerator() {
        Generator g = new CpuBackend(Precision.FLOAT64).load(OnnxImporter.read(
                ModelZoo.mlp(9, "Tanh", 8, 32, 40).toBytes(), "mlp"));
        double[] zStar = Close.gaussian(new SplittableRandom(3), 8, 0.7);
        double[] target = g.forward(zStar, 1);
        var r = LatentInverter.eigenbasis(g, 8, 4).invert(target, new double[8], 400, 0.03);
        assertTrue(r.finalLoss() < 1e-3 * r.losses()[0], "loss " + r.losses()[0] + " -> " + r.finalLoss());
    }

    @Test
    void plainInverterIsAdamInTheLatentAxes() {
        // With zero steps nothing moves; one step of Adam moves every coordinate by lr * sign(g).
        Generator g = linear(new double[] {2, 1}, 3, 2);
        double[] target = {1, 1, 1};
        var r0 = LatentInverter.plain(g).invert(target, new double[] {0.1, -0.2}, 0, 0.1);
        assertArrayEquals(new double[] {0.1, -0.2}, r0.z(), 0);
        var r1 = LatentInverter.plain(g).invert(target, new double[] {0.1, -0.2}, 1, 0.1);
        double[] x = g.forward(new double[] {0.1, -0.2}, 1);
        double[] res = new double[3];
        for (int i = 0; i < 3; i++) {
            res[i] = 2.0 / 3 * (x[i] - 1);
        }
        double[] grad = g.vjp(new double[] {0.1, -0.2}, res, 1);
        for (int i = 0; i < 2; i++) {
            double want = (i == 0 ? 0.1 : -0.2) - 0.1 * Math.signum(grad[i]);
            assertTrue(Math.abs(r1.z()[i] - want) < 1e-6, "coordinate " + i + ": " + r1.z()[i] + " vs " + want);
        }
    }

    @Test
    void anOutputThatOverflowsFloat32IsAnErrorNotANaNLatent() {
        var g = OnnxImporter.read(io.geomlens.testing.TestModels.float32Overflow(4).toBytes(), "overflow");
        Generator f32 = new CpuBackend(Precision.FLOAT32).load(g);
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.geomlens.NonFiniteModelException.class,
                () -> LatentInverter.plain(f32).invert(new double[4], new double[] {0.1, 0.2, 0.3, 0.4}, 3, 0.1));
        assertTrue(e.getMessage().startsWith("the output at step 0's latent is not finite"), e.getMessage());
    }
}
