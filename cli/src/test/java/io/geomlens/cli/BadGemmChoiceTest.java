package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A misspelt -Dgeomlens.cpuGemm ends as one "error:" line that lists the accepted values, with
 * exit code 1, not a stack trace. Runs in the build's "cli-bad-gemm-choice" execution (the
 * property is read once per JVM); skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "geomlens.cpuGemm", matches = "bogus")
class BadGemmChoiceTest {
    @Test
    void aBadKernelChoiceIsOneErrorLine() {
        Cli r = Cli.run("describe", "--model", Path.of("../examples/demo-mlp.onnx").toString(), "--random", "2",
                "--backend", "cpu", "--out", "-");
        assertEquals(1, r.code(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: -Dgeomlens.cpuGemm=bogus") && err.contains("auto")
                && err.contains("scalar") && err.contains("float32"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
    }
}
