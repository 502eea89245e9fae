package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.io.Npy;
import io.geomlens.metric.MetricTensor;
import io.geomlens.onnx.OnnxImporter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HessianCommandTest {
    private static final Path DEMO = Path.of("../examples/demo-mlp.onnx");

    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        return Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
    }

    @Test
    void npyHoldsTheLibrarysEigenvalues() throws Exception {
        double[] z = new double[2 * 16];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.cos(3 * i);
        }
        Path latents = dir.resolve("z.npy");
        Npy.write(latents, new int[] {2, 16}, z);
        Path out = dir.resolve("h.npy");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "hessian", "--model", DEMO.toString(), "--latents", latents.toString(), "--exact",
                "--top", "6", "--backend", "cpu", "--out", out.toString()), err.toString());
        Npy.Array a = Npy.read(out);
        assertArrayEquals(new int[] {2, 6}, a.shape());
        MetricTensor ref = new MetricTensor(new CpuBackend().load(OnnxImporter.read(DEMO)));
        double[] second = ref.exact(java.util.Arrays.copyOfRange(z, 16, 32), 6).eigenvalues();
        assertArrayEquals(second, java.util.Arrays.copyOfRange(a.data(), 6, 12), 0.0);
    }

    @Test
    void jsonHasStatisticsHomogeneityAndLayers() throws Exception {
        Path out = dir.resolve("h.json");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "hessian", "--model", DEMO.toString(), "--random", "2", "--top", "4", "--layers",
                "--out", out.toString()), err.toString());
        String s = Files.readString(out);
        for (String key : new String[] {"\"anisotropy\"", "\"effective_rank\"", "\"homogeneity\"", "\"converged\": true",
                "\"layer\": \"/fc1/act/Gelu\"", "\"overlap\""}) {
            assertTrue(s.contains(key), key + " missing in " + s);
        }
    }

    @Test
    void badOptionsAreExplained() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(err, "hessian", "--model", DEMO.toString(), "--random", "1", "--out", "h.csv"));
        assertTrue(err.toString().contains("must end in .json or .npy"), err.toString());
        err = new StringWriter();
        assertEquals(2, run(err, "hessian", "--model", DEMO.toString(), "--random", "1", "--top", "0", "--out", "h.json"));
        assertTrue(err.toString().contains("at least one eigenpair"), err.toString());
    }
}
