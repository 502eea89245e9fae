package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A GPU too small for even one latent of the demo model: each command ends with one "error:"
 * line naming the bytes asked for and free, and exit code 1, not a stack trace. Runs in the
 * build's "cli-on-tiny-simulated-device" execution (the kernel simulator given 64 KiB through
 * GEOMLENS_SIM_DEVICE_MEMORY); skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "geomlens.test.deviceBytes", matches = "\\d+")
class GpuOutOfMemoryTest {
    private static final String DEMO = Path.of("../examples/demo-mlp.onnx").toString();

    @ParameterizedTest
    @ValueSource(strings = {"describe", "hessian"})
    void outOfGpuMemoryIsOneErrorLine(String command) {
        Cli r = command.equals("describe")
                ? Cli.run("describe", "--model", DEMO, "--random", "8", "--backend", "cuda", "--out", "-")
                : Cli.run("hessian", "--model", DEMO, "--random", "2", "--top", "4", "--backend", "cuda", "--out",
                        Path.of(System.getProperty("java.io.tmpdir"), "geomlens-oom.json").toString());
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: ") && err.contains("out of GPU memory: asked for ")
                && err.contains(" bytes free") && err.contains("--backend cpu"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
    }
}
