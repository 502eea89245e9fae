package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Interpolation matrices in their own right (ForwardVsOrtTest checks them against ONNX Runtime). */
class ResizeMatrixTest {
    private static ResizeMatrix.Settings settings(String mode, String coords, boolean exclude) {
        return new ResizeMatrix.Settings(mode, coords, "round_prefer_floor", -0.75, exclude, false);
    }

    /** Linear weights from the exact coordinate: 6 -> 7 with align_corners reads x = 5/6 at output 1. */
    @Test
    void linearWeightsAreExactInDouble() {
        ResizeMatrix m = ResizeMatrix.of(6, 7, 7.0 / 6, settings("linear", "align_corners", false));
        assertEquals(1.0 / 6, m.r()[6], 1e-16);      // row 1, input 0
        assertEquals(5.0 / 6, m.r()[6 + 1], 1e-16);   // row 1, input 1
        assertEquals(1.0, m.r()[6 * 6 + 5], 0);       // the last output is the last input
    }

    /** Every row of a cubic matrix sums to 1 (Keys' kernel is a partition of unity), also renormalized. */
    @Test
    void cubicRowsSumToOne() {
        for (boolean exclude : new boolean[] {false, true}) {
            ResizeMatrix m = ResizeMatrix.of(5, 11, 11.0 / 5, settings("cubic", "half_pixel", exclude));
            for (int o = 0; o < 11; o++) {
                double sum = 0;
                for (int i = 0; i < 5; i++) {
                    sum += m.r()[o * 5 + i];
                }
                assertEquals(1.0, sum, 1e-12, "row " + o + (exclude ? " (exclude_outside)" : ""));
            }
        }
    }

    /** Nearest copies one input per output; integer factors with asymmetric + floor replicate pixels. */
    @Test
    void nearestPicksOneInputPerOutput() {
        ResizeMatrix m = ResizeMatrix.of(3, 6, 2,
                new ResizeMatrix.Settings("nearest", "asymmetric", "floor", 0, false, false));
        assertTrue(m.replicates(2));
        ResizeMatrix ceil = ResizeMatrix.of(3, 6, 2,
                new ResizeMatrix.Settings("nearest", "asymmetric", "round_prefer_ceil", 0, false, false));
        assertTrue(!ceil.replicates(2));   // x = 0.5 rounds up: output 1 reads input 1
        assertEquals(1.0, ceil.r()[3 + 1], 0);
    }
}
