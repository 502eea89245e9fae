package io.geomlens.cuda;

import io.geomlens.graph.BorderPad;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.SparseMap;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Resampling on the GPU: nearest upsampling (block copies; adjoint block sums), bilinear (adjoint
 * by atomic scatter), reflect/edge padding (adjoint gathers the copies of each element) and fixed
 * sparse maps (GridSample, Gather lists; adjoint by the transposed map's rows).
 */
final class DeviceResample {
    private final CudaExecutor ex;
    private final DeviceCache cache;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceResample(CudaExecutor ex, CudaContext cx, DeviceCache cache) {
        this.ex = ex;
        this.cache = cache;
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


    DeviceTensor borderPad(DeviceTensor x, BorderPad p) {
        int[] s = x.shape();
        DeviceTensor y = ex.alloc(p.paddedShape(s));
        int hh = s[s.length - 2];
        int ww = s[s.length - 1];
        lib.borderPad(h, x.pointer(), y.pointer(), x.count() / ((long) hh * ww), hh, ww, p.pads(), p.mode().ordinal());
        return y;
    }

    DeviceTensor borderPadAdjoint(DeviceTensor g, int[] inputShape, BorderPad p) {
        DeviceTensor x = ex.alloc(inputShape);
        int hh = inputShape[inputShape.length - 2];
        int ww = inputShape[inputShape.length - 1];
        lib.borderPadAdjoint(h, g.pointer(), x.pointer(), x.count() / ((long) hh * ww), hh, ww, p.pads(),
                p.mode().ordinal());
        return x;
    }

    /** The map applied to each plane of x's trailing elements. */
    DeviceTensor sparse(DeviceTensor x, SparseMap m) {
        return sparseRows(x, m.outputShape(x.shape()), m.map(), m.inWidth());
    }

    /** The transposed map applied to g, giving a cotangent of the input's shape. */
    DeviceTensor sparseAdjoint(DeviceTensor g, int[] inputShape, SparseMap m) {
        return sparseRows(g, inputShape, m.adjoint(), m.outWidth());
    }

    private DeviceTensor sparseRows(DeviceTensor x, int[] shape, SparseMap.Rows rows, int inWidth) {
        DeviceTensor y = ex.alloc(shape);
        lib.sparseRows(h, x.pointer(), y.pointer(), x.count() / inWidth, inWidth, rows.count(),
                cache.ints(rows.start()), cache.ints(rows.column()),
                cache.of(rows.weight(), rows.weight().length).pointer());
        return y;
    }
}
