package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.io.Npy;
import io.geomlens.metric.MetricTensor;
import io.geomlens.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HessianCommandTest {
    private static final Path DEMO = Path.of("../examples/demo-mlp.onnx");

    @TempDir
    Path dir;


    @Test
    void npyHoldsTheLibrarysEigenvalues() throws Exception {
        double[] z = new double[2 * 16];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.cos(3 * i);
        }
        Path latents = dir.resolve("z.npy");
        Npy.write(latents, new int[] {2, 16}, z);
        Path out = dir.resolve("h.npy");
        Cli r = Cli.run("hessian", "--model", DEMO.toString(), "--latents", latents.toString(), "--exact",
                "--top", "6", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Npy.Array a = Npy.read(out);
        assertArrayEquals(new int[] {2, 6}, a.shape());
        MetricTensor ref = new MetricTensor(new CpuBackend().load(OnnxImporter.read(DEMO)));
        double[] second = ref.exact(java.util.Arrays.copyOfRange(z, 16, 32), 6).eigenvalues();
        assertArrayEquals(second, java.util.Arrays.copyOfRange(a.data(), 6, 12), 0.0);
    }

    @Test
    void jsonHasStatisticsHomogeneityAndLayers() throws Exception {
        Path out = dir.resolve("h.json");
        Cli r = Cli.run("hessian", "--model", DEMO.toString(), "--random", "2", "--top", "4", "--layers",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        String s = Files.readString(out);
        for (String key : new String[] {"\"anisotropy\"", "\"effective_rank\"", "\"homogeneity\"", "\"converged\": true",
                "\"layer\": \"/fc1/act/Gelu\"", "\"overlap\""}) {
            assertTrue(s.contains(key), key + " missing in " + s);
        }
    }

    @Test
    void badOptionsAreExplained() {
        Cli r = Cli.run("hessian", "--model", DEMO.toString(), "--random", "1", "--out", "h.csv");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must end in .json or .npy"), r.err());
        r = Cli.run("hessian", "--model", DEMO.toString(), "--random", "1", "--top", "0", "--out", "h.json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("at least one eigenpair"), r.err());
    }

    @Test
    void aJacobianThatOverflowsFloat32IsOneErrorLineNamingTheLatent() throws Exception {
        Path model = dir.resolve("overflow.onnx");
        io.geomlens.testing.TestModels.float32Overflow(4).write(model);
        for (boolean exact : new boolean[] {true, false}) {   // the exact spectrum, then Lanczos on HVPs
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("hessian", "--model",
                    model.toString(), "--random", "1", "--top", "3", "--backend", "cpu", "--out",
                    dir.resolve("h.json").toString()));
            if (exact) {
                args.add("--exact");
            }
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().strip().startsWith("error: the Jacobian at latent 0 is not finite on cpu (float32)")
                    && r.err().contains("--backend cpu64"), r.err());
        }
    }
}
