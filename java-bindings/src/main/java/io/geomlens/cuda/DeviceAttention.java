package io.geomlens.cuda;

import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The ops of attention blocks on the GPU, with the same semantics as their CPU classes: Transpose
 * as a strided copy, latent x latent MatMul as strided batched GEMMs (stride 0 broadcasts a primal
 * over k tangents), Softmax and its derivative as row kernels.
 */
final class DeviceAttention {
    private final CudaExecutor ex;
    private final Geomlens lib;
    private final MemorySegment h;

    DeviceAttention(CudaExecutor ex, CudaContext cx) {
        this.ex = ex;
        this.lib = cx.lib();
        this.h = cx.handle();
    }

    /** out[i_0, ..., i_r] = x[i at perm]: out's dimension d is x's dimension perm[d]. */
    DeviceTensor permute(DeviceTensor x, int[] perm) {
        int[] s = x.shape();
        if (s.length != perm.length) {
            throw new ShapeException("perm has " + perm.length + " entries for an input of rank " + s.length);
        }
        long[] inStride = CudaExecutor.denseStrides(s);
        int[] os = new int[s.length];
        long[] strides = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            os[i] = s[perm[i]];
            strides[i] = inStride[perm[i]];
        }
        return ex.stridedCopy(x, strides, CudaExecutor.longs(os), os);
    }

    /** Batched op(A) op(B) over the leading dimensions; see {@link BatchedMatMul#productShape}. */
    DeviceTensor multiply(DeviceTensor a, boolean ta, DeviceTensor b, boolean tb) {
        int[] as = a.shape();
        int[] bs = b.shape();
        int[] os = BatchedMatMul.productShape(as, ta, bs, tb);
        int r = os.length;
        int m = os[r - 2];
        int n = os[r - 1];
        int k = ta ? as[r - 2] : as[r - 1];
        int mid = Tensor.product(os, 1, r - 2);
        long aMat = (long) as[r - 2] * as[r - 1];
        long bMat = (long) bs[r - 2] * bs[r - 1];
        long cMat = (long) m * n;
        DeviceTensor c = ex.alloc(os);
        if (as[0] == bs[0]) {
            lib.gemm(h, ta, tb, m, n, k, 1f, a.pointer(), aMat, b.pointer(), bMat, 0f, c.pointer(), cMat, os[0] * mid);
            return c;
        }
        // One side has batch 1: per middle index q, a GEMM batch over dimension 0 with stride 0 on that side.
        for (int q = 0; q < mid; q++) {
            lib.gemm(h, ta, tb, m, n, k, 1f, DeviceTensor.offset(a.pointer(), q * aMat), as[0] == 1 ? 0 : mid * aMat,
                    DeviceTensor.offset(b.pointer(), q * bMat), bs[0] == 1 ? 0 : mid * bMat, 0f,
                    DeviceTensor.offset(c.pointer(), q * cMat), mid * cMat, os[0]);
        }
        return c;
    }

    DeviceTensor softmax(DeviceTensor x) {
        int[] s = x.shape();
        int w = s[s.length - 1];
        DeviceTensor y = ex.alloc(s);
        lib.softmax(h, x.pointer(), y.pointer(), x.count() / w, w);
        return y;
    }

    /** s * (t - <s, t>) per row of the last axis; s (the softmax output) has batch 1 or t's batch. */
    DeviceTensor softmaxDerivative(DeviceTensor s, DeviceTensor t) {
        int[] ss = s.shape();
        int w = ss[ss.length - 1];
        if (s.rowSize() != t.rowSize() || (ss[0] != 1 && ss[0] != t.shape()[0])) {
            throw new ShapeException("tangents " + Arrays.toString(t.shape()) + " do not match primal "
                    + Arrays.toString(ss));
        }
        DeviceTensor out = ex.alloc(t.shape());
        lib.softmaxTangent(h, s.pointer(), t.pointer(), out.pointer(), t.count() / w, w, s.count() / w);
        return out;
    }
}
