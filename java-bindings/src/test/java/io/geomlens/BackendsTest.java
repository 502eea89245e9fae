package io.geomlens;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.testing.BackendChoice;
import io.geomlens.testing.Gpu;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Backend choice and the fallback without a GPU (these run where no GPU is: CI). */
class BackendsTest {
    @Test
    void autoFallsBackToCpuAndSaysWhy() {
        Assumptions.assumeFalse(Gpu.available(), "a GPU is present: auto picks CUDA");
        BackendChoice.assertAutoFallsBackToCpu("libgeomlens");
    }

    @Test
    void forcedCudaWithoutGpuIsAClearError() {
        Assumptions.assumeFalse(Gpu.available(), "a GPU is present");
        BackendChoice.assertForcedCudaFails("");
    }

    @Test
    void unknownBackendNamesTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu", s -> {}));
        assertTrue(e.getMessage().contains("cpu, cpu64, cuda or auto"), e.getMessage());
    }
}
