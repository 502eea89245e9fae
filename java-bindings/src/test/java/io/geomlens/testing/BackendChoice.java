package io.geomlens.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Backend;
import io.geomlens.Backends;
import io.geomlens.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;

/** Checks of Backends.select where CUDA cannot open, shared by the no-library and no-device runs. */
public final class BackendChoice {
    private BackendChoice() {}

    /** auto picks the CPU and says why in one line that contains `reason`. */
    public static void assertAutoFallsBackToCpu(String reason) {
        List<String> log = new ArrayList<>();
        try (Backend b = Backends.select("auto", log::add)) {
            assertTrue(b instanceof CpuBackend);
        }
        assertEquals(1, log.size(), "one line: " + log);
        assertTrue(log.get(0).contains("using the CPU backend") && log.get(0).contains(reason), log.get(0));
    }

    /** A forced cuda is an IllegalStateException that starts with the cause and contains `reason`. */
    public static void assertForcedCudaFails(String reason) {
        var e = assertThrows(IllegalStateException.class, () -> Backends.select("cuda", s -> {}));
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable:") && e.getMessage().contains(reason),
                e.getMessage());
    }
}
