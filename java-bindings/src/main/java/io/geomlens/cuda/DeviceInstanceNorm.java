package io.geomlens.cuda;

import io.geomlens.graph.InstanceNorm;
import io.geomlens.graph.ShapeException;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/** InstanceNormalization (torch's GroupNorm export) on the GPU: one kernel per direction. */
final class DeviceInstanceNorm {
    private final CudaExecutor ex;
    private final DeviceCache cache;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceInstanceNorm(CudaExecutor ex, CudaContext cx, DeviceCache cache) {
        this.ex = ex;
        this.cache = cache;
        this.lib = cx.lib();
        this.h = cx.handle();
    }

    DeviceTensor forward(DeviceTensor x, InstanceNorm op) {
        int c = channels(x, op);
        long plane = x.rowSize() / c;
        DeviceTensor y = ex.alloc(x.shape());
        lib.instanceNorm(h, x.pointer(), y.pointer(), cache.of(op.scale(), c).pointer(), cache.of(op.bias(), c).pointer(),
                (float) op.eps(), x.count() / plane, c, plane);
        return y;
    }

    /** The symmetric Jacobian at primal x (batch 1 or t's batch) applied to each row of t. */
    DeviceTensor derivative(DeviceTensor x, DeviceTensor t, InstanceNorm op) {
        int c = channels(x, op);
        int xb = x.shape()[0];
        if (t.rowSize() != x.rowSize() || (xb != 1 && xb != t.shape()[0])) {
            throw new ShapeException("tangents " + Arrays.toString(t.shape()) + " do not match primal "
                    + Arrays.toString(x.shape()));
        }
        long plane = x.rowSize() / c;
        DeviceTensor out = ex.alloc(t.shape());
        lib.instanceNormTangent(h, x.pointer(), t.pointer(), out.pointer(), cache.of(op.scale(), c).pointer(),
                (float) op.eps(), t.count() / plane, c, plane, x.count() / plane);
        return out;
    }

    private static int channels(DeviceTensor x, InstanceNorm op) {
        int c = op.scale().length;
        if (x.shape().length < 3 || x.shape()[1] != c) {
            throw new ShapeException("expects [N, " + c + ", spatial...], got " + Arrays.toString(x.shape()));
        }
        return c;
    }
}
