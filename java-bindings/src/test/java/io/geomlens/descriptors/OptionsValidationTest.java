package io.geomlens.descriptors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.metric.BlockLanczos;
import io.geomlens.metric.Lanczos;
import io.geomlens.metric.MetricTensor;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every settings check names the bad value and the accepted range. */
class OptionsValidationTest {
    private static void rejects(Executable e, String expected) {
        var ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    @Test
    void descriptorOptions() {
        DescriptorOptions d = DescriptorOptions.DEFAULTS;
        rejects(() -> d.withK(0), "k >= 1");
        rejects(() -> d.withRtol(1.5), "0 <= rtol < 1");
        rejects(() -> d.withRtol(Double.NaN), "0 <= rtol < 1");
        rejects(() -> d.withPolytope(0, 0.01, 1), "P >= 1");
        rejects(() -> d.withPolytope(2, 0, 1), "radius must be > 0");
        rejects(() -> d.withRoute(null), "EXACT, PROJECTED or AUTO");
    }

    @Test
    void metricSettings() {
        rejects(() -> new Lanczos(0, 1e-6, 0), "at least one eigenpair");
        rejects(() -> new Lanczos(5, 0, 0), "positive relative residual");
        rejects(() -> new BlockLanczos(5, 0, 1e-6, 0), "both must be >= 1");
        var gen = new CpuBackend().load(OnnxImporter.read(ModelZoo.mlp(1, "Tanh", 4, 6).toBytes(), "m"));
        rejects(() -> new MetricTensor(gen, 1e-6, 0, 0), "use 1 (classic Lanczos) or more");
        rejects(() -> new MetricTensor(gen).lanczos(new double[3], 2), "latent dimension E = 4");
    }
}
