package io.geomlens.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Backend;
import io.geomlens.Backends;
import io.geomlens.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The library loads but the machine has no GPU: the native context reports it, auto falls back
 * to the CPU in one line that says so, and a forced cuda is a clear error. Runs in the build's
 * "cuda-library-without-device" execution (the kernel simulator with GEOMLENS_SIM_DEVICES=0);
 * skipped elsewhere.
 */
@EnabledIfSystemProperty(named = "geomlens.test.noDevice", matches = "true")
class NoDeviceTest {
    @Test
    void autoFallsBackToCpuNamingTheMissingDevice() {
        List<String> log = new ArrayList<>();
        try (Backend b = Backends.select("auto", log::add)) {
            assertTrue(b instanceof CpuBackend);
        }
        assertEquals(1, log.size(), "one line: " + log);
        assertTrue(log.get(0).contains("using the CPU backend") && log.get(0).contains("no CUDA device"), log.get(0));
    }

    @Test
    void forcedCudaWithoutDeviceIsAClearError() {
        var e = assertThrows(IllegalStateException.class, () -> Backends.select("cuda", s -> {}));
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable:") && e.getMessage().contains("no CUDA device"),
                e.getMessage());
    }
}
