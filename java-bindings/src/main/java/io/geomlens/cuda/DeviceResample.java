package io.geomlens.cuda;

import io.geomlens.graph.ShapeException;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Upsampling on the GPU: nearest (block copies; adjoint block sums) and bilinear (adjoint by
 * atomic scatter).
 */
final class DeviceResample {
    private final CudaExecutor ex;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceResample(CudaExecutor ex, CudaContext cx) {
        this.ex = ex;
        this.lib = cx.lib();
        this.h = cx.handle();
    }

    DeviceTensor upsample(DeviceTensor x, UpsampleNearest u) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new ShapeException("expects [N, C, H, W], got " + Arrays.toString(s));
        }
        DeviceTensor y = ex.alloc(new int[] {s[0], s[1], s[2] * u.factorY(), s[3] * u.factorX()});
        lib.upsample(h, x.pointer(), y.pointer(), (long) s[0] * s[1], s[2], s[3], u.factorY(), u.factorX());
        return y;
    }

    DeviceTensor upsampleAdjoint(DeviceTensor g, UpsampleNearest u) {
        int[] s = g.shape();
        int hh = s[2] / u.factorY();
        int ww = s[3] / u.factorX();
        DeviceTensor x = ex.alloc(new int[] {s[0], s[1], hh, ww});
        lib.upsampleAdjoint(h, g.pointer(), x.pointer(), (long) s[0] * s[1], hh, ww, u.factorY(), u.factorX());
        return x;
    }

    DeviceTensor bilinear(DeviceTensor x, UpsampleLinear u) {
        int[] s = x.shape();
        if (s.length != 4) {
            throw new ShapeException("expects [N, C, H, W], got " + Arrays.toString(s));
        }
        DeviceTensor y = ex.alloc(new int[] {s[0], s[1], s[2] * u.factorY(), s[3] * u.factorX()});
        lib.upsampleLinear(h, x.pointer(), y.pointer(), (long) s[0] * s[1], s[2], s[3], u.factorY(), u.factorX(),
                u.mode().ordinal());
        return y;
    }

    DeviceTensor bilinearAdjoint(DeviceTensor g, UpsampleLinear u) {
        int[] s = g.shape();
        int hh = s[2] / u.factorY();
        int ww = s[3] / u.factorX();
        DeviceTensor x = ex.alloc(new int[] {s[0], s[1], hh, ww});
        lib.upsampleLinearAdjoint(h, g.pointer(), x.pointer(), (long) s[0] * s[1], hh, ww, u.factorY(), u.factorX(),
                u.mode().ordinal());
        return x;
    }

}
