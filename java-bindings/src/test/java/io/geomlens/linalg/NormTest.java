package io.geomlens.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Norm.euclidean against a chain of Math.hypot, across magnitudes a plain sum of squares loses. */
class NormTest {
    @Test
    void matchesHypotFromTinyToHuge() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (double magnitude : new double[] {1e-300, 1e-160, 1e-5, 1, 1e5, 1e160, 1e300}) {
            double[] x = new double[37];
            for (int i = 0; i < x.length; i++) {
                x[i] = magnitude * rnd.nextDouble(-1, 1);
            }
            double ref = 0;
            for (int i = 3; i < 30; i++) {
                ref = Math.hypot(ref, x[i]);
            }
            double got = Norm.euclidean(x, 3, 30);
            assertEquals(ref, got, 4e-16 * 27 * ref, "magnitude " + magnitude);
        }
    }

    @Test
    void zerosNaNAndInfinity() {
        assertEquals(0.0, Norm.euclidean(new double[] {0, 0, 0}, 0, 3));
        assertEquals(0.0, Norm.euclidean(new double[] {5}, 0, 0));
        assertTrue(Double.isNaN(Norm.euclidean(new double[] {1, Double.NaN, Double.POSITIVE_INFINITY}, 0, 3)));
        assertTrue(Double.isNaN(Norm.euclidean(new double[] {Double.POSITIVE_INFINITY, Double.NaN}, 0, 2)));
        assertEquals(Double.POSITIVE_INFINITY, Norm.euclidean(new double[] {1, Double.NEGATIVE_INFINITY}, 0, 2));
    }
}
