package io.geomlens.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The host side of every device copy, runnable without a GPU. */
class HostBuffersTest {
    @Test
    void floatsRoundTripThroughStagingMemory() {
        try (Arena a = Arena.ofConfined()) {
            double[] v = {1.5, -2.25, 1e-3, 3.0000001};
            MemorySegment s = HostBuffers.floats(a, v);
            double[] back = HostBuffers.readFloats(s, v.length);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
            assertArrayEquals(v, back);
        }
    }

    @Test
    void longsAndDoublesAreReadFromAlignedStaging() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment l = HostBuffers.allocate(a, JAVA_LONG, 3);
            l.setAtIndex(JAVA_LONG, 2, -7L);
            assertArrayEquals(new long[] {0, 0, -7}, HostBuffers.readLongs(l, 3));
            MemorySegment d = HostBuffers.allocate(a, JAVA_DOUBLE, 2);
            d.setAtIndex(JAVA_DOUBLE, 1, Math.PI);
            assertArrayEquals(new double[] {0, Math.PI}, HostBuffers.readDoubles(d, 2));
            // Zero elements still give a valid (one-byte) staging area and empty reads.
            assertArrayEquals(new double[0], HostBuffers.readFloats(HostBuffers.allocate(a, JAVA_FLOAT, 0), 0));
        }
    }
}
