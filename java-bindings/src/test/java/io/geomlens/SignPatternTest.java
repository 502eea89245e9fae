package io.geomlens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SignPatternTest {
    @Test
    void layersStartOnWordBoundariesAndChangesArePerGroup() {
        SignPattern p = SignPattern.allocate(List.of("a", "b"), new int[] {70, 3}, 4);
        assertArrayEquals(new int[] {0, 2, 3}, p.wordOffsets());
        p.set(0, 0, 65);
        p.set(1, 0, 65);
        p.set(2, 1, 2);
        assertTrue(p.positive(0, 0, 65) && p.positive(1, 0, 65));
        assertFalse(p.positive(0, 0, 64));
        assertFalse(p.positive(2, 0, 65));
        // Group {0, 1}: neuron 65 is positive in both, so nothing changed.
        assertArrayEquals(new long[] {0, 0}, p.changedPerLayer(0, 2));
        // Group {1, 2}: neuron a65 and neuron b2 differ.
        assertArrayEquals(new long[] {1, 1}, p.changedPerLayer(1, 2));
        assertEquals(12, p.bits().length);
    }
}
