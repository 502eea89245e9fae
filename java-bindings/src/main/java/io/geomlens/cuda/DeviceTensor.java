package io.geomlens.cuda;

import io.geomlens.graph.Tensor;
import java.lang.foreign.MemorySegment;

/** A float32 tensor on the device: a shape over memory owned elsewhere (a scope or a cache). */
public record DeviceTensor(int[] shape, MemorySegment pointer) {
    public DeviceTensor {
        shape = shape.clone();
    }

    /** A copy: callers derive new shapes from it. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long count() {
        return Tensor.count(shape);
    }

    public int rowSize() {
        return shape.length == 0 || shape[0] == 0 ? (int) count() : (int) (count() / shape[0]);
    }

    /** The pointer advanced by a number of float elements. */
    public static MemorySegment offset(MemorySegment p, long elements) {
        return MemorySegment.ofAddress(p.address() + 4L * elements);
    }
}
