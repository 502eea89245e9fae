package io.geomlens.cuda;

import io.geomlens.graph.Conv2d;
import io.geomlens.graph.ConvGeometry;
import io.geomlens.graph.ShapeException;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Conv and ConvTranspose on the GPU: im2col + strided batched GEMM (samples in chunks bounded by
 * COLS_BYTES) and, the adjoint direction, GEMM + col2im.
 */
final class DeviceConv {
    /** Bound on one chunk's column (and wide output) buffers; larger batches run in chunks. */
    private static final long COLS_BYTES = 256L << 20;
    /** One GEMM per chunk over all its samples unless -Dgeomlens.convLayout=batched (one per sample). */
    private static final boolean WIDE = !"batched".equals(System.getProperty("geomlens.convLayout"));

    private final CudaExecutor ex;
    private final DeviceCache cache;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceConv(CudaExecutor ex, CudaContext cx, DeviceCache cache) {
        this.ex = ex;
        this.cache = cache;
        this.lib = cx.lib();
        this.h = cx.handle();
    }

    private static int[] geometryArray(ConvGeometry g) {
        return new int[] {g.cin(), g.h(), g.w(), g.kh(), g.kw(), g.sh(), g.sw(), g.ph(), g.pw(), g.dh(), g.dw(), g.ho(),
                g.wo()};
    }

    DeviceTensor conv(DeviceTensor x, Conv2d c, boolean withBias) {
        int[] s = x.shape();
        if (s.length != 4 || s[1] != c.inChannels()) {
            throw new ShapeException("expects [N, " + c.inChannels() + ", H, W], got " + Arrays.toString(s));
        }
        ConvGeometry g = c.geometry(s[2], s[3]);
        DeviceTensor y = c.transposed() ? convBackward(x, g, c, new int[] {s[0], g.cin(), g.h(), g.w()})
                : convForward(x, g, c, new int[] {s[0], g.cout(), g.ho(), g.wo()});
        if (withBias && c.bias() != null) {
            int[] ys = y.shape();
            lib.channelBias(h, y.pointer(), cache.of(c.bias(), c.bias().length).pointer(), y.count(), ys[1],
                    (long) ys[2] * ys[3]);
        }
        return y;
    }

    DeviceTensor convAdjoint(DeviceTensor primalIn, DeviceTensor gy, Conv2d c) {
        int[] s = primalIn.shape();
        ConvGeometry g = c.geometry(s[2], s[3]);
        int n = gy.shape()[0];
        return c.transposed() ? convForward(gy, g, c, new int[] {n, g.cout(), g.ho(), g.wo()})
                : convBackward(gy, g, c, new int[] {n, g.cin(), g.h(), g.w()});
    }

    /** out[s] = wmat * im2col(x[s]) for every sample, chunk by chunk (see {@link Plan#forward}). */
    private DeviceTensor convForward(DeviceTensor x, ConvGeometry g, Conv2d c, int[] outShape) {
        return chunked(new Plan(g, c, outShape[0]), true, x, g.inSize(), outShape, g.outSize());
    }

    /** x[s] = col2im(wmat^T * g[s]): the adjoint of convForward, chunk by chunk. */
    private DeviceTensor convBackward(DeviceTensor gIn, ConvGeometry g, Conv2d c, int[] outShape) {
        return chunked(new Plan(g, c, outShape[0]), false, gIn, g.outSize(), outShape, g.inSize());
    }

    /** Runs the plan's forward or backward over all samples, p.chunk at a time, then frees its scratch. */
    private DeviceTensor chunked(Plan p, boolean forward, DeviceTensor in, long inSize, int[] outShape, long outSize) {
        int n = outShape[0];
        DeviceTensor out = ex.alloc(outShape);
        for (int s0 = 0; s0 < n; s0 += p.chunk) {
            MemorySegment a = DeviceTensor.offset(in.pointer(), (long) s0 * inSize);
            MemorySegment b = DeviceTensor.offset(out.pointer(), (long) s0 * outSize);
            int m = Math.min(p.chunk, n - s0);
            if (forward) {
                p.forward(a, b, m);
            } else {
                p.backward(a, b, m);
            }
        }
        p.release();
        return out;
    }

    /**
     * One conv's sizes (kk column rows, kg of them per group, cg output channels per group, hw
     * output pixels), device weights [cout, kg], samples per chunk and the chunk's buffers. Wide
     * layout: a chunk's columns side by side, [kk, m * hw], so one strided batched GEMM over the
     * groups with N = m * hw serves every sample (layers with few output pixels would otherwise be
     * m thin GEMMs), with [cout, m, hw] transposed to or from the samples' layout.
     */
    private final class Plan {
        final ConvGeometry g;
        final int kk;
        final int kg;
        final int cg;
        final int hw;
        final int chunk;
        final DeviceTensor w;
        final DeviceTensor cols;
        final DeviceTensor wide;

        Plan(ConvGeometry g, Conv2d c, int n) {
            this.g = g;
            kk = g.cin() * g.kh() * g.kw();
            kg = g.groupRows();
            cg = g.cout() / g.groups();
            hw = g.ho() * g.wo();
            chunk = chunk(n, (long) kk * hw + (WIDE ? (long) g.cout() * hw : 0));
            w = cache.of(c.weightMatrix(), g.cout(), kg);
            cols = ex.alloc(new int[] {chunk, kk, hw});
            wide = WIDE ? ex.alloc(new int[] {g.cout(), chunk, hw}) : null;
        }

        /** The column buffers are scratch: freed as soon as the conv is queued. */
        void release() {
            ex.release(cols);
            ex.release(wide);
        }

        /** ys[s] = wmat * im2col(xs[s]) for m samples, one GEMM per group. */
        void forward(MemorySegment xs, MemorySegment ys, int m) {
            long mhw = (long) m * hw;
            if (WIDE) {
                lib.im2col(h, xs, cols.pointer(), geometryArray(g), m, hw, mhw);
                lib.gemm(h, false, false, cg, (int) mhw, kg, 1f, w.pointer(), (long) cg * kg, cols.pointer(), kg * mhw,
                        0f, wide.pointer(), cg * mhw, g.groups());
                ex.stridedCopyInto(wide.pointer(), new long[] {hw, mhw, 1}, new long[] {m, g.cout(), hw}, ys);
                return;
            }
            lib.im2col(h, xs, cols.pointer(), geometryArray(g), m, (long) kk * hw, hw);
            for (int q = 0; q < g.groups(); q++) {
                lib.gemm(h, false, false, cg, hw, kg, 1f, DeviceTensor.offset(w.pointer(), (long) q * cg * kg), 0,
                        DeviceTensor.offset(cols.pointer(), (long) q * kg * hw), (long) kk * hw, 0f,
                        DeviceTensor.offset(ys, (long) q * cg * hw), (long) g.cout() * hw, m);
            }
        }

        /** xs[s] = col2im(wmat^T * gs[s]) for m samples, one GEMM per group. */
        void backward(MemorySegment gs, MemorySegment xs, int m) {
            long mhw = (long) m * hw;
            if (WIDE) {
                ex.stridedCopyInto(gs, new long[] {hw, (long) g.cout() * hw, 1}, new long[] {g.cout(), m, hw},
                        wide.pointer());
                lib.gemm(h, true, false, kg, (int) mhw, cg, 1f, w.pointer(), (long) cg * kg, wide.pointer(), cg * mhw,
                        0f, cols.pointer(), kg * mhw, g.groups());
                lib.col2im(h, cols.pointer(), xs, geometryArray(g), m, hw, mhw);
                return;
            }
            for (int q = 0; q < g.groups(); q++) {
                lib.gemm(h, true, false, kg, hw, cg, 1f, DeviceTensor.offset(w.pointer(), (long) q * cg * kg), 0,
                        DeviceTensor.offset(gs, (long) q * cg * hw), (long) g.cout() * hw, 0f,
                        DeviceTensor.offset(cols.pointer(), (long) q * kg * hw), (long) kk * hw, m);
            }
            lib.col2im(h, cols.pointer(), xs, geometryArray(g), m, (long) kk * hw, hw);
        }
    }

    private static int chunk(int n, long floatsPerSample) {
        return (int) Math.max(1, Math.min(n, COLS_BYTES / (4 * Math.max(1, floatsPerSample))));
    }

}
