package io.geomlens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmPeakTest {
    /** A device doing flops per second at every size, recording the sizes it was timed at. */
    private static GemmPeak device(double flops, List<Integer> asked, int n) {
        asked.add(n);
        return new GemmPeak(n, flops);
    }

    @Test
    void aFastDeviceIsTimedUpToTheLargestSize() {
        List<Integer> asked = new ArrayList<>();
        GemmPeak p = GemmPeak.grow(1024, 8192, 200_000_000L, n -> device(5e13, asked, n));
        assertEquals(List.of(1024, 2048, 4096, 8192), asked);
        assertEquals(8192, p.n());
    }

    @Test
    void aSlowDeviceStopsAtTheFirstSizeThatTakesLongEnough() {
        List<Integer> asked = new ArrayList<>();
        // 1.5 GFLOP/s: 1024^3 takes 1.4 s, past 0.2 s
        GemmPeak p = GemmPeak.grow(1024, 8192, 200_000_000L, n -> device(1.5e9, asked, n));
        assertEquals(List.of(1024), asked);
        assertEquals(2.0 * 1024 * 1024 * 1024 / 1.5e9 * 1e9, p.nanosPerCall(), 1.0);
    }

    @Test
    void sizesOutOfOrderAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GemmPeak.grow(2048, 1024, 1, n -> new GemmPeak(n, 1)));
    }
}
