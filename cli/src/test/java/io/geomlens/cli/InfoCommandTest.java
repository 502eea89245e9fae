package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
    @TempDir
    Path dir;

    @Test
    void summarizesTheDemoModel() {
        Cli r = Cli.run("info", "--model", "../examples/demo-mlp.onnx");
        assertEquals(0, r.code(), r.err());
        String s = r.out();
        // demo: 16 -> 64 -> 64 -> 784 with GELU hidden layers and a Sigmoid output.
        assertTrue(s.contains("latent: E = 16") && s.contains("output: D = 784"), s);
        assertTrue(s.contains("delta counts their 912 neurons"), s);   // 64 + 64 + 784
        long gemm = 2L * (16 * 64 + 64 * 64 + 64 * 784);
        assertTrue(s.contains("one JVP/VJP tangent " + String.format("%.4g", (double) (gemm + 64 + 64 + 784))), s);
    }

    @Test
    void anUnimportableModelNamesWhatIsMissing() {
        Path cgan = dir.resolve("cgan.onnx");
        assertEquals(0, Cli.run("zoo", "--kind", "cgan", "--out", cgan.toString()).code());
        Cli r = Cli.run("info", "--model", cgan.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--fix"), r.err());
        Cli ok = Cli.run("info", "--model", cgan.toString(), "--fix", "label=2");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("BatchBroadcast"), ok.out());
    }
}
