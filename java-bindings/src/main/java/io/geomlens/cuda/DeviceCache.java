package io.geomlens.cuda;

import io.geomlens.graph.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Device copies of a generator's weights and constants, uploaded once and freed on close. */
final class DeviceCache implements AutoCloseable {
    private final CudaContext cx;
    private final Map<Object, DeviceTensor> tensors = new IdentityHashMap<>();
    private final Map<int[], MemorySegment> intArrays = new IdentityHashMap<>();
    private final Map<Integer, DeviceTensor> constants = new java.util.HashMap<>();
    private final List<DeviceBuffer> owned = new ArrayList<>();

    DeviceCache(CudaContext cx) {
        this.cx = cx;
    }

    /** The device copy of host values, keyed by the identity of the host array. */
    DeviceTensor of(double[] values, int... shape) {
        return tensors.computeIfAbsent(values, k -> upload(shape, values));
    }

    /** The device copy of host ints (a sparse map's rows), keyed by the identity of the host array. */
    MemorySegment ints(int[] values) {
        return intArrays.computeIfAbsent(values, k -> {
            DeviceBuffer b = cx.uploadInts(values);
            owned.add(b);
            return b.pointer();
        });
    }

    DeviceTensor constant(int value, Tensor c) {
        return constants.computeIfAbsent(value, k -> upload(c.shape(), c.data()));
    }

    private DeviceTensor upload(int[] shape, double[] values) {
        DeviceBuffer b = cx.uploadFloats(values);
        owned.add(b);
        return new DeviceTensor(shape, b.pointer());
    }

    @Override
    public void close() {
        owned.forEach(DeviceBuffer::close);
        owned.clear();
        tensors.clear();
        intArrays.clear();
        constants.clear();
    }
}
