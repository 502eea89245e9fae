package io.geomlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.testing.Gpu;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Backend choice and the fallback without a GPU (these run where no GPU is: CI). */
class BackendsTest {
    @Test
    void autoFallsBackToCpuAndSaysWhy() {
        Assumptions.assumeFalse(Gpu.available(), "a GPU is present: auto picks CUDA");
        List<String> log = new ArrayList<>();
        try (Backend b = Backends.select("auto", log::add)) {
            assertTrue(b instanceof CpuBackend);
        }
        assertEquals(1, log.size(), "one line: " + log);
        assertTrue(log.get(0).contains("using the CPU backend") && log.get(0).contains("libgeomlens"), log.get(0));
    }

    @Test
    void forcedCudaWithoutGpuIsAClearError() {
        Assumptions.assumeFalse(Gpu.available(), "a GPU is present");
        var e = assertThrows(IllegalStateException.class, () -> Backends.select("cuda", s -> {}));
        assertTrue(e.getMessage().startsWith("CUDA backend unavailable:"), e.getMessage());
    }

    @Test
    void unknownBackendNamesTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu", s -> {}));
        assertTrue(e.getMessage().contains("cpu, cpu64, cuda or auto"), e.getMessage());
    }
}
