package io.geomlens.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.JacobianSpectra;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.Graph;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.testing.Close;
import io.geomlens.testing.Gpu;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The number of latents per device call that the CUDA generator derives from the free memory
 * (latentsPerCall) is safe: chunks of that size run without one out-of-memory retry, measured
 * against the allocations the code really makes. Runs in the build's
 * "cuda-on-64mib-simulated-device" execution (the kernel simulator given 64 MiB, which counts
 * every device allocation; not cuBLAS's own small workspace); skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "geomlens.test.footprint", matches = "true")
class FootprintEstimateTest {
    @ParameterizedTest
    @EnumSource(value = Route.class, names = {"EXACT", "PROJECTED"})
    void chunksSizedFromFreeMemoryFitWithoutRetries(Route route) {
        CudaBackend gpu = Gpu.backend();
        for (OnnxModelBuilder mb : new OnnxModelBuilder[] {ModelZoo.mlp(11, "Relu", 16, 128, 128, 200),
                ModelZoo.convDecoder(12, 16)}) {
            Graph g = OnnxImporter.read(mb.toBytes(), "m");
            int k = Math.min(120, g.outputDim());
            try (Generator d = gpu.load(g)) {
                int chunk = ((JacobianSpectra) d).latentsPerCall(route == Route.EXACT ? g.latentDim() : k);
                int n = 2 * chunk + 1;
                double[] z = Close.gaussian(new SplittableRandom(3), n * g.latentDim(), 1.0);
                DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(route).withK(k).withPolytope(2, 0.05, 1);
                List<Integer> done = new ArrayList<>();
                new Descriptors(d, o).describe(z, n, done::add);
                assertTrue(chunk >= 1);
                assertEquals(List.of(chunk, 2 * chunk, n), done, route + " D=" + g.outputDim() + ": a chunk was halved");
            }
        }
    }
}
