package io.geomlens.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import io.geomlens.testing.Gpu;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A device too small for the chunk asked for (-Dgeomlens.deviceChunk): the native pool's genuine
 * out-of-memory error reaches Descriptors, which halves its chunks, and the results still match
 * the CPU; no device memory is left behind by the failed attempts. Runs in the build's
 * "cuda-on-small-simulated-device" execution, on the kernel simulator given a small device
 * (GEOMLENS_SIM_DEVICE_MEMORY, repeated as -Dgeomlens.test.deviceBytes); skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "geomlens.test.deviceBytes", matches = "\\d+")
class SmallDeviceTest {
    @Test
    void descriptorsHalveTheirChunksOnARealOutOfMemoryAndLeakNothing() {
        CudaBackend gpu = Gpu.backend();
        long capacity = Long.getLong("geomlens.test.deviceBytes");
        CudaContext cx = gpu.context();
        assertEquals(capacity, cx.memInfo()[1], "the simulated device has the size this run was given");
        Graph g = OnnxImporter.read(ModelZoo.mlp(11, "Relu", 16, 128, 128, 200).toBytes(), "mlp");
        int n = Integer.getInteger("geomlens.deviceChunk");
        double[] z = Close.gaussian(new SplittableRandom(3), n * g.latentDim(), 1.0);
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withPolytope(4, 0.05, 1);
        DescriptorBatch cpu = new Descriptors(new CpuBackend(Precision.FLOAT64).load(g), o).describe(z, n);
        List<Integer> done = new ArrayList<>();
        try (Generator d = gpu.load(g)) {
            DescriptorBatch dev = new Descriptors(d, o).describe(z, n, done::add);
            for (int i = 0; i < n; i++) {
                assertEquals(cpu.latents().get(i).psi(), dev.latents().get(i).psi(), 1e-3, "psi " + i);
            }
        }
        assertTrue(done.size() > 1 && done.get(0) < n, "the chunk of " + n + " was split: " + done);
        // Everything freed: after the pool hands back its cached blocks (alloc retries after a
        // trim), almost the whole device can be taken in one piece.
        try (DeviceBuffer all = cx.alloc(capacity - capacity / 16)) {
            assertTrue(all.bytes() > 0);
        }
    }

    /**
     * The conv decoder's 120 projected cotangents for one latent (about 5 MB per value of the
     * walk) cannot be on a 4 MiB device at once: the generator runs them in chunks of rows,
     * halving on each out-of-memory, in Descriptors' spectra and in plain VJPs (each generator
     * learns its chunk by itself), and the results still match the CPU.
     */
    @Test
    void oneLatentsRowsRunInChunksWhenTheyDoNotFit() {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(ModelZoo.convDecoder(5, 12).toBytes(), "conv");
        int n = 2;
        double[] z = Close.gaussian(new SplittableRandom(4), n * g.latentDim(), 1.0);
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.PROJECTED).withComplexity(false);
        Generator host = new CpuBackend(Precision.FLOAT64).load(g);
        Descriptors onCpu = new Descriptors(host, o);
        DescriptorBatch cpu = onCpu.describe(z, n);
        double[] z0 = java.util.Arrays.copyOf(z, g.latentDim());
        double[] w = onCpu.projection();
        try (Generator d = gpu.load(g); Generator d2 = gpu.load(g)) {
            assertThrows(OutOfDeviceMemoryException.class, () -> d.vjpBatch(z0, 1, w, 120),
                    "the premise: one latent's 120 rows do not fit at once");
            DescriptorBatch dev = new Descriptors(d, o).describe(z, n);
            for (int i = 0; i < n; i++) {
                assertEquals(cpu.latents().get(i).psi(), dev.latents().get(i).psi(), 1e-3, "psi " + i);
                assertEquals(cpu.latents().get(i).nu(), dev.latents().get(i).nu(), 1e-3, "nu " + i);
            }
            Close.assertClose(host.vjp(z0, w, 120), d2.vjp(z0, w, 120), 1e-4, 1e-4, "W J in chunks");
        }
    }
}
