package io.geomlens.cuda;

import io.geomlens.graph.Concat;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Block copies on the GPU (copy_2d): Concat and its adjoint split, Narrow (Slice, Split) and
 * its adjoint, which writes the block back into zeros.
 */
final class DeviceCopies {
    private final CudaExecutor ex;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceCopies(CudaExecutor ex, CudaContext cx) {
        this.ex = ex;
        this.lib = cx.lib();
        this.h = cx.handle();
    }

    // ---- Concat: each input is a block of `outer` rows; its adjoint copies the blocks back out.
    DeviceTensor concat(DeviceTensor[] x, Concat c) {
        int[] s = x[0].shape();
        int a = c.axis(s.length);
        long outer = Tensor.product(s, 0, a);
        long inner = Tensor.product(s, a + 1, s.length);
        int total = 0;
        for (DeviceTensor t : x) {
            int[] ts = t.shape();
            ts[a] = s[a];
            if (!Arrays.equals(ts, s)) {
                throw new ShapeException("cannot concatenate " + Arrays.toString(t.shape()) + " with "
                        + Arrays.toString(s) + " along axis " + a);
            }
            total += t.shape()[a];
        }
        int[] os = s.clone();
        os[a] = total;
        DeviceTensor out = ex.alloc(os);
        long offset = 0;
        for (DeviceTensor t : x) {
            long w = t.shape()[a] * inner;
            lib.copy2d(h, DeviceTensor.offset(out.pointer(), offset), total * inner, t.pointer(), w, w, outer);
            offset += w;
        }
        return out;
    }

    DeviceTensor[] split(DeviceTensor[] x, DeviceTensor gy, Concat c) {
        int[] gs = gy.shape();
        int a = c.axis(gs.length);
        long outer = Tensor.product(gs, 0, a);
        long inner = Tensor.product(gs, a + 1, gs.length);
        DeviceTensor[] g = new DeviceTensor[x.length];
        long offset = 0;
        for (int j = 0; j < x.length; j++) {
            int[] s = gs.clone();
            s[a] = x[j].shape()[a];
            g[j] = ex.alloc(s);
            long w = s[a] * inner;
            lib.copy2d(h, g[j].pointer(), w, DeviceTensor.offset(gy.pointer(), offset), (long) gs[a] * inner, w, outer);
            offset += w;
        }
        return g;
    }

    // ---- Narrow (Slice, Split): a block of rows of each outer index; its adjoint puts it back into zeros.
    DeviceTensor narrow(DeviceTensor x, Narrow s) {
        int[] b = s.blocks(x.shape());
        int[] os = x.shape();
        os[s.axis()] = s.length();
        DeviceTensor out = ex.alloc(os);
        long w = (long) s.length() * b[2];
        lib.copy2d(h, out.pointer(), w, DeviceTensor.offset(x.pointer(), (long) s.start() * b[2]), (long) b[1] * b[2], w,
                b[0]);
        return out;
    }

    DeviceTensor widen(DeviceTensor primalIn, DeviceTensor gy, Narrow s) {
        int[] gs = gy.shape();
        gs[s.axis()] = primalIn.shape()[s.axis()];
        int[] b = s.blocks(gs);
        DeviceTensor out = ex.zeros(gs);
        long w = (long) s.length() * b[2];
        lib.copy2d(h, DeviceTensor.offset(out.pointer(), (long) s.start() * b[2]), (long) b[1] * b[2], gy.pointer(), w, w,
                b[0]);
        return out;
    }

}
