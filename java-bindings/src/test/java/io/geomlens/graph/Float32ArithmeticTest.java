package io.geomlens.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.linalg.Gemm;
import io.geomlens.onnx.DiffusionDecoder;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * -Dgeomlens.cpuGemm=float32 (its own surefire execution): the float32 mode's GEMMs run in float32
 * arithmetic. The same values stored as float32 or as doubles must then give different results
 * (float32 vs double rounding) through Dense, Conv, ConvTranspose and batched MatMul, close to each
 * other; whole models stay within float32's error of the float64 backend, psi within 1e-3.
 */
class Float32ArithmeticTest {
    @BeforeEach
    void onlyWithTheFloat32Choice() {
        assumeTrue("float32".equals(System.getProperty("geomlens.cpuGemm")),
                "runs in the cpu-float32-arithmetic execution (-Dgeomlens.cpuGemm=float32)");
    }

    @Test
    void theFloat32KernelRunsTheFloat32ModesProducts() {
        assertTrue(Gemm.kernelName(true).startsWith("float32"), Gemm.kernelName(true));
        assertTrue(!Gemm.kernelName(false).startsWith("float32"), Gemm.kernelName(false));
    }

    @Test
    void denseConvAndMatMulMultiplyInFloat32WhenTheirInputIsStoredSo() {
        SplittableRandom rnd = new SplittableRandom(4);
        Dense dense = new Dense(300, 40, Close.gaussian(rnd, 300 * 40, 0.1), null);
        routes("Dense", dense::forward, new Tensor(new int[] {8, 300}, Close.gaussian(rnd, 8 * 300, 1.0)));
        int[] none = {0, 0, 0, 0};
        Conv2d conv = new Conv2d(false, new int[] {16, 32, 3, 3}, Close.gaussian(rnd, 16 * 32 * 9, 0.1), null,
                new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, new int[] {0, 0}, 1);
        routes("Conv", conv::forward, new Tensor(new int[] {2, 32, 9, 9}, Close.gaussian(rnd, 2 * 32 * 81, 1.0)));
        Conv2d convT = new Conv2d(true, new int[] {32, 16, 4, 4}, Close.gaussian(rnd, 32 * 16 * 16, 0.1), null,
                new int[] {2, 2}, none, new int[] {1, 1}, new int[] {0, 0}, 1);
        routes("ConvTranspose", convT::forward,
                new Tensor(new int[] {2, 32, 7, 7}, Close.gaussian(rnd, 2 * 32 * 49, 1.0)));
        Tensor b = new Tensor(new int[] {2, 300, 24}, Close.gaussian(rnd, 2 * 300 * 24, 1.0));
        routes("MatMul", x -> BatchedMatMul.multiply(x[0], false, x[0].isFloat32() ? b.toFloat32() : b, false),
                new Tensor(new int[] {2, 16, 300}, Close.gaussian(rnd, 2 * 16 * 300, 1.0)));
    }

    /** x rounded to float32, once flagged as float32 and once as doubles holding the same values. */
    private static void routes(String op, Function<Tensor[], Tensor> run, Tensor x) {
        Tensor f = x.toFloat32();
        Tensor d = new Tensor(f.shape(), f.data());
        double[] inFloat = run.apply(new Tensor[] {f}).data();
        double[] inDouble = run.apply(new Tensor[] {d}).data();
        assertEquals(inDouble.length, inFloat.length);
        int differ = 0;
        for (int i = 0; i < inFloat.length; i++) {
            differ += inFloat[i] != inDouble[i] ? 1 : 0;
            double tol = 1e-4 + 1e-4 * Math.abs(inDouble[i]);
            assertTrue(Math.abs(inFloat[i] - inDouble[i]) <= tol,
                    op + " entry " + i + ": " + inFloat[i] + " vs " + inDouble[i]);
        }
        assertTrue(differ > inFloat.length / 4, op + ": only " + differ + " of " + inFloat.length
                + " entries differ, so its product did not run in float32 arithmetic");
    }

    @Test
    void modelsStayWithinFloat32ErrorOfTheFloat64Backend() {
        assertModel(OnnxImporter.read(ModelZoo.mlp(3, "Relu", 16, 256, 256, 200).toBytes(), "mlp"));
        assertModel(OnnxImporter.read(ModelZoo.convDecoder(3, 16).toBytes(), "conv"));
        assertModel(OnnxImporter.read(DiffusionDecoder.build(43, 4, 8, 32, 4).toBytes(), "vae"));
    }

    private static void assertModel(Graph g) {
        int n = 3;
        double[] z = Close.gaussian(new SplittableRandom(9), n * g.latentDim(), 1.0);
        try (CpuBackend f32 = new CpuBackend(Precision.FLOAT32); CpuBackend f64 = new CpuBackend(Precision.FLOAT64);
             Generator a = f32.load(g); Generator b = f64.load(g)) {
            double[] ya = a.forward(z, n);
            double[] yb = b.forward(z, n);
            double scale = 0;
            for (double v : yb) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < ya.length; i++) {
                assertEquals(yb[i], ya[i], 1e-4 * scale + 1e-4 * Math.abs(yb[i]), g + " forward entry " + i);
            }
            for (Route route : new Route[] {Route.EXACT, Route.PROJECTED}) {
                DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(route).withK(24).withComplexity(false);
                var da = new Descriptors(a, o).describe(z, n).latents();
                var db = new Descriptors(b, o).describe(z, n).latents();
                for (int i = 0; i < n; i++) {
                    assertEquals(db.get(i).psi(), da.get(i).psi(), 1e-3, route + " psi of latent " + i);
                }
            }
        }
    }
}
