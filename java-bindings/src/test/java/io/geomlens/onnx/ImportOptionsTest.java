package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.testing.Close;
import io.geomlens.testing.OrtReference;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Import options: fixed extra inputs (a class-conditional generator) and the choice among several outputs. */
class ImportOptionsTest {
    @Test
    void fixedLabelMatchesOnnxRuntimeAndItsDerivativesFiniteDifferences() throws Exception {
        byte[] bytes = io.geomlens.testing.TestModels.conditional().toBytes();
        for (int label : new int[] {0, 3, 9}) {
            Graph g = OnnxImporter.read(bytes, "cgan.onnx", Map.of("label", new double[] {label}));
            assertEquals(8, g.latentDim());
            double[] z = Close.gaussian(new SplittableRandom(label), 5 * 8, 1.0);
            float[] ref = OrtReference.runWithLabel(bytes, Close.toFloat(z), 5, new int[] {8}, "label", label);
            try (Generator gen = new CpuBackend(Precision.FLOAT64).load(g)) {
                assertClose(Close.toDouble(ref), gen.forward(Close.toDouble(Close.toFloat(z)), 5), 1e-6, 1e-5,
                        "label " + label);
                // d/dz at one latent along e_0: the embedding part is constant, so only W's z columns act.
                double[] z1 = java.util.Arrays.copyOf(z, 8);
                double[] v = new double[8];
                v[0] = 1;
                double h = 1e-6;
                double[] up = z1.clone();
                double[] down = z1.clone();
                up[0] += h;
                down[0] -= h;
                double[] fu = gen.forward(up, 1);
                double[] fd = gen.forward(down, 1);
                double[] fdiff = new double[fu.length];
                for (int i = 0; i < fu.length; i++) {
                    fdiff[i] = (fu[i] - fd[i]) / (2 * h);
                }
                assertClose(fdiff, gen.jvp(z1, v, 1), 1e-8, 1e-6, "jvp label " + label);
            }
        }
    }

    @Test
    void oneOfSeveralOutputsIsChosenByName() throws Exception {
        // G(z) = (tanh(A z), sigmoid(A z)): two outputs; the second studied on its own.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        OnnxModelBuilder m = new OnnxModelBuilder(17).input("z", 6);
        String h = ModelZoo.linear(m, rnd, "/fc", "z", 6, 9);
        m.node("Tanh", "/t", java.util.List.of(h), "a").node("Sigmoid", "/s", java.util.List.of(h), "b");
        byte[] bytes = m.output("a").output("b").toBytes();
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "two.onnx"));
        assertTrue(e.getMessage().contains("2 outputs (a, b)") && e.getMessage().contains("--output"), e.getMessage());
        Graph g = OnnxImporter.read(bytes, "two.onnx", ImportOptions.DEFAULTS.withOutput("b"));
        assertEquals(java.util.List.of("/s"), g.layerNames(), "the other output's branch is not part of G");
        double[] z = Close.gaussian(new SplittableRandom(6), 6, 1.0);
        float[] ref = OrtReference.runOutput(bytes, Close.toFloat(z), 1, new int[] {6}, "b");
        try (Generator gen = new CpuBackend().load(g)) {
            assertClose(Close.toDouble(ref), gen.forward(Close.toDouble(Close.toFloat(z)), 1), 1e-6, 1e-5, "output b");
        }
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "two.onnx",
                ImportOptions.DEFAULTS.withOutput("c")));
        assertTrue(e.getMessage().contains("no output 'c'"), e.getMessage());
        // an op geomlens does not run, on the other output's branch only, does not stop the import
        m.initializerLongs("k", 2).graphNode("TopK", "/top", java.util.List.of("a", "k"), java.util.List.of("v", "i"))
                .output("v");
        Graph h2 = OnnxImporter.read(m.toBytes(), "three.onnx", ImportOptions.DEFAULTS.withOutput("b"));
        assertEquals(java.util.List.of("/s"), h2.layerNames());
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(m.toBytes(), "three.onnx",
                ImportOptions.DEFAULTS.withOutput("v")));
        assertTrue(e.getMessage().contains("'TopK'"), e.getMessage());
    }

    @Test
    void missingOrUnknownFixedInputsAreNamed() {
        byte[] bytes = io.geomlens.testing.TestModels.conditional().toBytes();
        var e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "cgan.onnx"));
        assertTrue(e.getMessage().contains("(z, label)") && e.getMessage().contains("--fix"), e.getMessage());
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "cgan.onnx",
                Map.of("class", new double[] {1})));
        assertTrue(e.getMessage().contains("'class'") && e.getMessage().contains("z, label"), e.getMessage());
        e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(bytes, "cgan.onnx",
                Map.of("label", new double[] {1, 2})));
        assertTrue(e.getMessage().contains("takes 1 values per sample"), e.getMessage());
    }
}
