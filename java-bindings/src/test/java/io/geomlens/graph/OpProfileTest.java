package io.geomlens.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OpProfileTest {
    @Test
    void countsEveryStepByOpAndPhaseWhileActiveOnly() {
        Graph g = OnnxImporter.read(ModelZoo.mlp(3, "Relu", 6, 10, 10, 8).toBytes(), "mlp");
        Generator gen = new CpuBackend(Precision.FLOAT64).load(g);
        int n = 5;
        double[] z = Close.gaussian(new SplittableRandom(1), n * 6, 1.0);
        Descriptors d = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withComplexity(false));
        OpProfile p = OpProfile.start();
        try {
            d.describe(z, n);    // the CPU route per latent: one JVP pass (forward + jvp per node), one SVD
        } finally {
            p.stop();
        }
        d.describe(z, n);        // not profiled
        Map<String, Long> steps = p.entries().stream()
                .collect(Collectors.toMap(e -> e.opType() + " " + e.phase(), OpProfile.Entry::steps));
        assertEquals(Map.of("Gemm forward", 3L * n, "Gemm jvp", 3L * n, "Relu forward", 2L * n, "Relu jvp", 2L * n,
                "Sigmoid forward", (long) n, "Sigmoid jvp", (long) n, "SVD float64", (long) n), steps);
        assertTrue(p.totalNanos() > 0 && p.entries().get(0).nanos() >= p.entries().get(p.entries().size() - 1).nanos());
    }
}
