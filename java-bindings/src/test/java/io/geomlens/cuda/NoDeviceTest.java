package io.geomlens.cuda;

import io.geomlens.testing.BackendChoice;
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
        BackendChoice.assertAutoFallsBackToCpu("no CUDA device");
    }

    @Test
    void forcedCudaWithoutDeviceIsAClearError() {
        BackendChoice.assertForcedCudaFails("no CUDA device");
    }
}
