package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command's wiring and output (timings themselves are not asserted: no timed tests). */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsEachRequestedOperation() throws Exception {
        Path json = dir.resolve("b.json");
        Cli r = Cli.run("bench", "--model", "../examples/demo-mlp.onnx", "--batch", "4", "--seconds", "0.05",
                "--only", "forward,delta,lanczos", "--backend", "cpu", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        String s = r.out();
        assertTrue(s.contains("forward") && s.contains("delta P=4") && s.contains("lanczos top-16"), s);
        String j = Files.readString(json);
        assertTrue(j.contains("\"op\": \"forward\"") && j.contains("\"per_second\""), j);
        // the CPU's GEMM kernel, on the first line and in the JSON (report.py reads it)
        assertTrue(s.lines().findFirst().orElse("").contains("GEMM: vector") || s.contains("GEMM: scalar"), s);
        assertTrue(j.contains("\"gemm\": \"vector") || j.contains("\"gemm\": \"scalar"), j);

        assertTrue(!j.contains("gemm_peak\": {"), "no psi/nu asked, so no peak measured: " + j);

        Cli p = Cli.run("bench", "--model", "../examples/demo-mlp.onnx", "--batch", "2", "--seconds", "0.05",
                "--only", "projected", "--backend", "cpu", "--json", json.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().contains("GFLOP each") && p.out().contains("GEMM peak (n=768")
                && p.out().contains("% of the GEMM peak"), p.out());
        j = Files.readString(json);
        assertTrue(j.contains("\"flops_per_item\": ") && j.contains("\"gemm_peak\": {\"n\": 768"), j);

        assertEquals(2, Cli.run("bench", "--model", "../examples/demo-mlp.onnx", "--only", "warp").code());
    }

    @Test
    void profileBreaksOneRunDownByOpAndPhase() {
        Cli r = Cli.run("bench", "--model", "../examples/demo-mlp.onnx", "--batch", "2", "--seconds", "0.05",
                "--only", "exact,delta", "--backend", "cpu", "--profile");
        assertEquals(0, r.code(), r.err());
        String s = r.out();
        assertTrue(s.contains("profile of one psi/nu exact run") && s.contains("profile of one delta P=4 run"), s);
        // exact: per latent one JVP pass (3 Gemms); delta: one forward pass over all vertices
        assertTrue(s.matches("(?s).*Gemm jvp\\s+[0-9.]+%\\s+6 steps.*") && s.matches("(?s).*Gemm forward\\s+[0-9.]+%\\s+3 steps.*"), s);
        Cli plain = Cli.run("bench", "--model", "../examples/demo-mlp.onnx", "--seconds", "0.05", "--only", "forward",
                "--backend", "cpu");
        assertTrue(!plain.out().contains("profile of one"), "no profile unless asked: " + plain.out());
    }
}
