package io.geomlens.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Host staging memory for device copies: doubles packed as float32 for upload, and reads of
 * downloaded float32 / int64 / float64 data. Native, aligned segments only: a byte[]-backed
 * heap copy would fail the layouts' alignment checks.
 */
final class HostBuffers {
    private HostBuffers() {}

    /** Aligned native staging area for count elements of the layout (at least one byte). */
    static MemorySegment allocate(Arena a, ValueLayout layout, long count) {
        return a.allocate(Math.max(1, layout.byteSize() * count), layout.byteAlignment());
    }

    static MemorySegment floats(Arena a, double[] values) {
        MemorySegment s = allocate(a, JAVA_FLOAT, values.length);
        for (int i = 0; i < values.length; i++) {
            s.setAtIndex(JAVA_FLOAT, i, (float) values[i]);
        }
        return s;
    }

    static MemorySegment ints(Arena a, int[] values) {
        MemorySegment s = allocate(a, JAVA_INT, values.length);
        MemorySegment.copy(values, 0, s, JAVA_INT, 0, values.length);
        return s;
    }

    static double[] readFloats(MemorySegment s, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = s.getAtIndex(JAVA_FLOAT, i);
        }
        return out;
    }

    static long[] readLongs(MemorySegment s, int count) {
        return s.asSlice(0, 8L * count).toArray(JAVA_LONG);
    }

    static double[] readDoubles(MemorySegment s, int count) {
        return s.asSlice(0, 8L * count).toArray(JAVA_DOUBLE);
    }
}
