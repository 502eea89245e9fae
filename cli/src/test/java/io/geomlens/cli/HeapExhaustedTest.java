package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.onnx.OnnxModelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model one latent of which does not fit the Java heap (a 4 x 4 latent upsampled to 4096 x 4096:
 * 128 MB in doubles, in a JVM given 48 MB): one "error:" line saying how large the heap was and how
 * to give it more, exit code 1, no stack trace. Runs in a JVM of its own, started with -Xmx48m.
 */
class HeapExhaustedTest {
    @Test
    void outOfHeapIsOneErrorLine(@TempDir Path dir) throws IOException, InterruptedException {
        Path model = dir.resolve("huge.onnx");
        new OnnxModelBuilder(17).input("z", 1, 4, 4)
                .initializer("scales", new int[] {4}, new float[] {1, 1, 1024, 1024})
                .node("Resize", "/up", List.of("z", "", "scales"), "x")
                .output("x").write(model);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx48m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "describe", "--model", model.toString(), "--random", "1", "--no-delta", "--backend", "cpu",
                "--k", "4", "--out", "-")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        assertEquals(1, p.exitValue(), err);
        String last = err.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("error: out of Java heap memory (the JVM may use at most ")
                && last.contains("-Xmx"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("OutOfMemoryError"),
                "no stack trace: " + err);
    }
}
