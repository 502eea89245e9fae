package io.geomlens.cuda;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import io.geomlens.graph.Op;
import io.geomlens.graph.Precision;
import io.geomlens.graph.Tensor;
import io.geomlens.internal.ffi.NativeCallException;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import io.geomlens.linalg.SmallSvd;
import io.geomlens.metric.MetricTensor;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.onnx.OnnxModelBuilder;
import io.geomlens.testing.Close;
import io.geomlens.testing.Gpu;
import io.geomlens.testing.TestModels;
import io.geomlens.testing.TorchExport;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA backend against the CPU backend (the oracle) on every op: forward 1e-5 relative,
 * JVP/VJP 1e-4, sign bits, psi 1e-3 absolute, delta equal wherever float32 and float64 agree on
 * the CPU (away from ties). Skipped without a GPU.
 */
class CudaBackendTest {
    static Stream<Arguments> models() {
        return TestModels.all().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    /** Scale of a reference, so atol is relative to the output's magnitude. */
    private static double scale(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return Math.max(m, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void primitivesMatchTheCpu(String name, OnnxModelBuilder model) {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(model.toBytes(), name);
        try (Generator c = new CpuBackend(Precision.FLOAT64).load(g); Generator d = gpu.load(g)) {
            SplittableRandom rnd = new SplittableRandom(3);
            int e = g.latentDim();
            int n = 5;
            int k = 7;
            double[] z = Close.gaussian(rnd, n * e, 1.0);
            double[] fc = c.forward(z, n);
            assertClose(fc, d.forward(z, n), 1e-5 * scale(fc), 1e-5, name + " forward");
            double[] z1 = java.util.Arrays.copyOf(z, e);
            double[] v = Close.gaussian(rnd, k * e, 1.0);
            double[] jc = c.jvp(z1, v, k);
            assertClose(jc, d.jvp(z1, v, k), 1e-4 * scale(jc), 1e-4, name + " jvp");
            double[] u = Close.gaussian(rnd, k * g.outputDim(), 1.0);
            double[] vc = c.vjp(z1, u, k);
            assertClose(vc, d.vjp(z1, u, k), 1e-4 * scale(vc), 1e-4, name + " vjp");
            assertArrayEquals(new CpuBackend().load(g).preActivationSigns(z, n).bits(), d.preActivationSigns(z, n).bits(),
                    name + " sign bits");
            double[] vb = Close.gaussian(rnd, 3 * e, 1.0);
            double[] jb = c.jvpBatch(z, n, vb, 3);
            assertClose(jb, d.jvpBatch(z, n, vb, 3), 1e-4 * scale(jb), 1e-4, name + " jvpBatch");
            double[] ub = Close.gaussian(rnd, 3 * g.outputDim(), 1.0);
            double[] vbb = c.vjpBatch(z, n, ub, 3);
            assertClose(vbb, d.vjpBatch(z, n, ub, 3), 1e-4 * scale(vbb), 1e-4, name + " vjpBatch");
        }
    }

    @Test
    void conditionalModelWithAFixedLabelMatchesTheCpu() {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(TestModels.conditional().toBytes(), "cgan.onnx",
                java.util.Map.of("label", new double[] {7}));
        try (Generator c = new CpuBackend(Precision.FLOAT64).load(g); Generator d = gpu.load(g)) {
            double[] z = Close.gaussian(new SplittableRandom(11), 4 * 8, 1.0);
            double[] fc = c.forward(z, 4);
            assertClose(fc, d.forward(z, 4), 1e-5 * scale(fc), 1e-5, "forward");
            double[] z1 = java.util.Arrays.copyOf(z, 8);
            double[] v = Close.gaussian(new SplittableRandom(12), 3 * 8, 1.0);
            double[] jc = c.jvp(z1, v, 3);
            assertClose(jc, d.jvp(z1, v, 3), 1e-4 * scale(jc), 1e-4, "jvp");
            double[] u = Close.gaussian(new SplittableRandom(13), 3 * 16, 1.0);
            double[] vc = c.vjp(z1, u, 3);
            assertClose(vc, d.vjp(z1, u, 3), 1e-4 * scale(vc), 1e-4, "vjp");
            double[] jb = c.jvpBatch(z, 4, v, 3);
            assertClose(jb, d.jvpBatch(z, 4, v, 3), 1e-4 * scale(jb), 1e-4, "jvpBatch");
        }
    }

    @Test
    void chunkSizeFollowsTheModelsFootprintAndTheFreeMemory() {
        CudaBackend gpu = Gpu.backend();
        try (Generator small = gpu.load(OnnxImporter.read(ModelZoo.mlp(1, "Relu", 8, 16, 8).toBytes(), "s"));
             Generator big = gpu.load(OnnxImporter.read(ModelZoo.dcgan(2, 20, 16, 3).toBytes(), "b"))) {
            int s120 = ((io.geomlens.JacobianSpectra) small).latentsPerCall(120);
            int b120 = ((io.geomlens.JacobianSpectra) big).latentsPerCall(120);
            int b1 = ((io.geomlens.JacobianSpectra) big).latentsPerCall(1);
            assertTrue(s120 >= b120 && b1 >= b120 && b120 >= 1 && s120 <= 4096, s120 + " " + b120 + " " + b1);
        }
    }

    @Test
    void descriptorsMatchTheCpu() {
        CudaBackend gpu = Gpu.backend();
        for (OnnxModelBuilder m : new OnnxModelBuilder[] {ModelZoo.mlp(11, "Relu", 16, 128, 128, 200),
                ModelZoo.convDecoder(12, 16), ModelZoo.dcgan(13, 24, 8, 3),
                io.geomlens.onnx.DiffusionDecoder.build(14, 2, 4, 8, 2)}) {
            Graph g = OnnxImporter.read(m.toBytes(), "model");
            double[] z = Close.gaussian(new SplittableRandom(9), 6 * g.latentDim(), 1.0);
            for (Route r : new Route[] {Route.EXACT, Route.PROJECTED}) {
                DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(r).withK(Math.min(120, g.outputDim()))
                        .withPolytope(4, 0.05, 1);
                DescriptorBatch c64 = new Descriptors(new CpuBackend(Precision.FLOAT64).load(g), o).describe(z, 6);
                DescriptorBatch c32 = new Descriptors(new CpuBackend(Precision.FLOAT32).load(g), o).describe(z, 6);
                try (Generator d = gpu.load(g)) {
                    DescriptorBatch dg = new Descriptors(d, o).describe(z, 6);
                    for (int i = 0; i < 6; i++) {
                        assertEquals(c64.latents().get(i).psi(), dg.latents().get(i).psi(), 1e-3, "psi " + r + " " + i);
                        assertEquals(c64.latents().get(i).nu(), dg.latents().get(i).nu(), 1e-3, "nu " + r + " " + i);
                        if (c32.latents().get(i).delta() == c64.latents().get(i).delta()) {
                            assertArrayEquals(c32.latents().get(i).deltaPerLayer(), dg.latents().get(i).deltaPerLayer(),
                                    "delta " + i);
                        }
                    }
                }
            }
        }
    }

    /** Genuine torch exports against torch's float64 numbers (TorchExportsTest does so on the CPU). */
    @ParameterizedTest
    @MethodSource("io.geomlens.testing.TorchExport#names")
    void torchExportsMatchTorch(String name) {
        CudaBackend gpu = Gpu.backend();
        TorchExport t = TorchExport.load(name);
        int n = t.latents(), vertices = 2 * t.basis().rows();
        Generator c32 = new CpuBackend(Precision.FLOAT32).load(t.graph());
        try (Generator d = gpu.load(t.graph())) {
            assertClose(t.x().data(), d.forward(t.z().data(), n), 1e-5 * scale(t.x().data()), 1e-4, name + " forward");
            DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withComplexity(false);
            DescriptorBatch got = new Descriptors(d, o).describe(t.z().data(), n);
            for (int i = 0; i < n; i++) {
                double[] ref = TorchExport.row(t.ref(), i);
                assertEquals(ref[0], got.latents().get(i).psi(), 1e-3 + 1e-5 * Math.abs(ref[0]), name + " psi " + i);
                assertEquals(ref[1], got.latents().get(i).nu(), 1e-3 + 1e-5 * Math.abs(ref[1]), name + " nu " + i);
                long[] refDelta = java.util.Arrays.stream(TorchExport.row(t.delta(), i)).mapToLong(v -> (long) v)
                        .toArray();
                // Signs compared where float32 on the CPU agrees with torch's float64 (away from ties).
                if (java.util.Arrays.equals(refDelta,
                        c32.preActivationSigns(t.vertices(i), vertices).changedPerLayer(0, vertices))) {
                    assertArrayEquals(refDelta, d.preActivationSigns(t.vertices(i), vertices)
                            .changedPerLayer(0, vertices), name + " delta " + i);
                }
            }
        }
    }

    @Test
    void lanczosOnTheGpuMatchesTheExactSpectrum() {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(ModelZoo.mlp(14, "Tanh", 40, 64, 64, 50).toBytes(), "mlp");
        double[] z = Close.gaussian(new SplittableRandom(2), 40, 1.0);
        double[] exact = new MetricTensor(new CpuBackend(Precision.FLOAT64).load(g)).exact(z, 20).eigenvalues();
        try (Generator d = gpu.load(g)) {
            assertClose(exact, new MetricTensor(d, 1e-4, 0).lanczos(z, 20).eigenvalues(), 0, 1e-3, "top-20 on GPU");
        }
    }

    @Test
    void float64GramAndBatchedEigenSolverGiveSquaredSingularValues() {
        CudaContext cx = Gpu.backend().context();
        int batch = 3;
        for (int[] shape : new int[][] {{12, 40}, {40, 12}, {7, 7}}) {   // the Gram of the smaller side
            int rows = shape[0];
            int cols = shape[1];
            int r = Math.min(rows, cols);
            double[] m = Close.gaussian(new SplittableRandom(4), batch * rows * cols, 1.0);
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) m[i];
            }
            try (DeviceBuffer dm = cx.uploadFloats(m); DeviceBuffer gram = cx.alloc(8L * batch * r * r);
                 DeviceBuffer w = cx.alloc(8L * batch * r)) {
                cx.lib().gramF64(cx.handle(), dm.pointer(), rows, cols, batch, gram.pointer());
                cx.lib().syevBatchedF64(cx.handle(), gram.pointer(), r, batch, w.pointer());
                double[] eig = cx.downloadDoubles(w.pointer(), batch * r);
                for (int b = 0; b < batch; b++) {
                    double[] sv = SmallSvd.singularValues(
                            java.util.Arrays.copyOfRange(m, b * rows * cols, (b + 1) * rows * cols), rows, cols);
                    double[] want = new double[r];
                    for (int i = 0; i < r; i++) {
                        want[i] = sv[r - 1 - i] * sv[r - 1 - i];   // ascending
                    }
                    assertClose(want, java.util.Arrays.copyOfRange(eig, b * r, (b + 1) * r), 1e-10, 1e-10,
                            rows + "x" + cols + " batch " + b);
                }
            }
        }
    }

    @Test
    void profileChargesOneGroupedPassAndOneEigenSolvePerChunk() {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(ModelZoo.mlp(3, "Relu", 6, 10, 10, 8).toBytes(), "mlp");
        double[] z = Close.gaussian(new SplittableRandom(1), 5 * 6, 1.0);
        try (Generator d = gpu.load(g)) {
            Descriptors ds = new Descriptors(d, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withComplexity(false));
            io.geomlens.graph.OpProfile p = io.geomlens.graph.OpProfile.start();
            try {
                ds.describe(z, 5);
            } finally {
                p.stop();
            }
            var steps = new java.util.HashMap<String, Long>();
            p.entries().forEach(e -> steps.put(e.opType() + " " + e.phase(), e.steps()));
            assertEquals(3L, steps.get("Gemm jvp"), steps.toString());
            assertEquals(1L, steps.get("Gram + eigen-solver float64"), steps.toString());
        }
    }

    @Test
    void aJacobianThatOverflowsFloat32IsAClearErrorOnTheGpuToo() {
        CudaBackend gpu = Gpu.backend();
        Graph g = OnnxImporter.read(TestModels.float32Overflow(4).toBytes(), "overflow");
        double[] z = {0.1, -0.2, 0.3, 0.4};
        try (Generator d = gpu.load(g)) {
            var e = assertThrows(RuntimeException.class,
                    () -> new Descriptors(d, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT)).describe(z, 1));
            // The eigen-solver may refuse the infinite Gram (native error) or return NaN (Java's check).
            assertTrue(e.getMessage().contains("NaN or infinity") || e.getMessage().contains("is not finite"),
                    e.getMessage());
        }
    }

    @Test
    void opsWithoutACudaImplementationAreRejectedAtLoad() {
        CudaBackend gpu = Gpu.backend();
        Op identity = new Op() {   // an op the CUDA executor does not know
            public Tensor forward(Tensor[] x) {
                return x[0];
            }

            public Tensor jvp(Tensor[] x, Tensor y, Tensor[] t) {
                return t[0];
            }

            public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
                return new Tensor[] {gy};
            }
        };
        Graph g = new Graph.Builder(17).input("z", 3).node("/custom", "Custom", identity, List.of("z"), "y")
                .output("y").build();
        var e = assertThrows(io.geomlens.graph.GraphException.class, () -> gpu.load(g));
        assertTrue(e.getMessage().contains("'/custom' (Custom)") && e.getMessage().contains("--backend cpu"),
                e.getMessage());
    }

    @Test
    void outOfMemoryAndBadArgumentsAreExceptionsNotCrashes() {
        CudaContext cx = Gpu.backend().context();
        long huge = 1L << 50;
        var oom = assertThrows(OutOfDeviceMemoryException.class, () -> cx.alloc(huge));
        assertTrue(oom.getMessage().contains(Long.toString(huge)) && oom.getMessage().contains("free"), oom.getMessage());
        var bad = assertThrows(NativeCallException.class, () -> cx.lib().gemm(cx.handle(), false, false, -1, 1, 1, 1f,
                java.lang.foreign.MemorySegment.NULL, 0, java.lang.foreign.MemorySegment.NULL, 0, 0f,
                java.lang.foreign.MemorySegment.NULL, 0, 1));
        assertTrue(bad.getMessage().startsWith("geomlens_gemm"), bad.getMessage());
        var nul = java.lang.foreign.MemorySegment.NULL;
        var rows = assertThrows(NativeCallException.class, () -> cx.lib().softmaxTangent(cx.handle(), nul, nul, nul, 7,
                4, 3));
        assertTrue(rows.getMessage().contains("multiple of the primal rows"), rows.getMessage());
        var planes = assertThrows(NativeCallException.class, () -> cx.lib().instanceNormTangent(cx.handle(), nul, nul,
                nul, nul, 1e-5f, 5, 1, 4, 2));
        assertTrue(planes.getMessage().contains("multiple of the primal planes"), planes.getMessage());
        var mode = assertThrows(NativeCallException.class, () -> cx.lib().upsampleLinear(cx.handle(), nul, nul, 1, 2,
                2, 2, 2, 7));
        assertTrue(mode.getMessage().contains("coordinate mode"), mode.getMessage());
        assertTrue(cx.memInfo()[0] > 0, "the context still works after the errors");
    }

    /** A call frees early only what it allocated, once: anything else is a bug to report, not to free. */
    @Test
    void releasingATensorTheCallDidNotAllocateIsAnError() {
        CudaContext cx = Gpu.backend().context();
        try (DeviceCache cache = new DeviceCache(cx); CudaExecutor ex = new CudaExecutor(cx, cache)) {
            DeviceTensor mine = ex.alloc(new int[] {4, 8});
            DeviceTensor inside = new DeviceTensor(new int[] {8},
                    java.lang.foreign.MemorySegment.ofAddress(mine.pointer().address() + 32));
            DeviceTensor other;
            try (DeviceBuffer b = cx.alloc(64)) {
                other = new DeviceTensor(new int[] {16}, b.pointer());
                var e = assertThrows(IllegalStateException.class, () -> ex.release(other));
                assertTrue(e.getMessage().contains("did not allocate"), e.getMessage());
            }
            ex.release(inside);   // a view into a buffer of this call frees that buffer
            var twice = assertThrows(IllegalStateException.class, () -> ex.release(mine));
            assertTrue(twice.getMessage().contains("did not allocate"), twice.getMessage());
            ex.release(null);     // nothing to free
        }
    }
}
