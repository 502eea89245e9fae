package io.geomlens.internal.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to libgeomlens.so (native/include/geomlens.h), one method per C function (but
 * geomlens_stream, which only native timing code uses). Every call
 * checks the returned status and throws with the native message (which names the failed call);
 * out-of-memory becomes {@link OutOfDeviceMemoryException}. Pointers are MemorySegments.
 */
public final class Geomlens {
    public static final int OK = 0;
    public static final int ERR_OUT_OF_MEMORY = 2;

    private static volatile Geomlens instance;

    private final MethodHandle lastError;
    private final MethodHandle deviceCount;
    private final MethodHandle contextCreate;
    private final MethodHandle contextDestroy;
    private final MethodHandle deviceName;
    private final MethodHandle memInfo;
    private final MethodHandle synchronize;
    private final MethodHandle alloc;
    private final MethodHandle free;
    private final MethodHandle upload;
    private final MethodHandle download;
    private final MethodHandle memsetZero;
    private final MethodHandle copy2d;
    private final MethodHandle gemm;
    private final MethodHandle gramF64;
    private final MethodHandle syevBatchedF64;
    private final MethodHandle activationForward;
    private final MethodHandle activationTangent;
    private final MethodHandle binary;
    private final MethodHandle reduceTo;
    private final MethodHandle im2col;
    private final MethodHandle col2im;
    private final MethodHandle channelAffine;
    private final MethodHandle channelBias;
    private final MethodHandle upsample;
    private final MethodHandle upsampleAdjoint;
    private final MethodHandle upsampleLinear;
    private final MethodHandle upsampleLinearAdjoint;
    private final MethodHandle borderPad;
    private final MethodHandle borderPadAdjoint;
    private final MethodHandle sparseRows;
    private final MethodHandle softmax;
    private final MethodHandle softmaxTangent;
    private final MethodHandle instanceNorm;
    private final MethodHandle instanceNormTangent;
    private final MethodHandle signBits;
    private final MethodHandle signChanges;

    private Geomlens() {
        NativeLoader.load();
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        Binder b = (name, fd) -> linker.downcallHandle(lookup.find(name).orElseThrow(() -> new NativeLibraryException(
                "libgeomlens.so has no symbol " + name + "; it is older than this jar, rebuild it")), fd);
        FunctionDescriptor st = FunctionDescriptor.of(JAVA_INT);
        lastError = b.bind("geomlens_last_error", FunctionDescriptor.of(ADDRESS));
        deviceCount = b.bind("geomlens_device_count", st.appendArgumentLayouts(ADDRESS));
        contextCreate = b.bind("geomlens_context_create", st.appendArgumentLayouts(JAVA_INT, ADDRESS));
        contextDestroy = b.bind("geomlens_context_destroy", st.appendArgumentLayouts(ADDRESS));
        deviceName = b.bind("geomlens_device_name", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_INT));
        memInfo = b.bind("geomlens_mem_info", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS));
        synchronize = b.bind("geomlens_synchronize", st.appendArgumentLayouts(ADDRESS));
        alloc = b.bind("geomlens_alloc", st.appendArgumentLayouts(ADDRESS, JAVA_LONG, ADDRESS));
        free = b.bind("geomlens_free", st.appendArgumentLayouts(ADDRESS, ADDRESS));
        upload = b.bind("geomlens_upload", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        download = b.bind("geomlens_download", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
        memsetZero = b.bind("geomlens_memset_zero", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_LONG));
        copy2d = b.bind("geomlens_copy_2d", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG,
                JAVA_LONG, JAVA_LONG));
        gemm = b.bind("geomlens_gemm", st.appendArgumentLayouts(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG, JAVA_INT));
        gramF64 = b.bind("geomlens_gram_f64", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS));
        syevBatchedF64 = b.bind("geomlens_syev_batched_f64", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT, ADDRESS));
        activationForward = b.bind("geomlens_activation_forward", st.appendArgumentLayouts(ADDRESS, JAVA_INT,
                JAVA_FLOAT, ADDRESS, ADDRESS, JAVA_LONG));
        activationTangent = b.bind("geomlens_activation_tangent", st.appendArgumentLayouts(ADDRESS, JAVA_INT,
                JAVA_FLOAT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        binary = b.bind("geomlens_binary", st.appendArgumentLayouts(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        reduceTo = b.bind("geomlens_reduce_to", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_LONG));
        im2col = b.bind("geomlens_im2col", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_LONG, JAVA_LONG));
        col2im = b.bind("geomlens_col2im", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_LONG, JAVA_LONG));
        channelAffine = b.bind("geomlens_channel_affine", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG));
        channelBias = b.bind("geomlens_channel_bias", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_LONG));
        upsample = b.bind("geomlens_upsample_nearest", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        upsampleAdjoint = b.bind("geomlens_upsample_nearest_adjoint", st.appendArgumentLayouts(ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        upsampleLinear = b.bind("geomlens_upsample_linear", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        upsampleLinearAdjoint = b.bind("geomlens_upsample_linear_adjoint", st.appendArgumentLayouts(ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        sparseRows = b.bind("geomlens_sparse_rows", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        borderPad = b.bind("geomlens_border_pad", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        borderPadAdjoint = b.bind("geomlens_border_pad_adjoint", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        softmax = b.bind("geomlens_softmax", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        softmaxTangent = b.bind("geomlens_softmax_tangent", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        instanceNorm = b.bind("geomlens_instance_norm", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_FLOAT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        instanceNormTangent = b.bind("geomlens_instance_norm_tangent", st.appendArgumentLayouts(ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        signBits = b.bind("geomlens_sign_bits", st.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT));
        signChanges = b.bind("geomlens_sign_changes", st.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    }

    @FunctionalInterface
    private interface Binder {
        MethodHandle bind(String name, FunctionDescriptor fd);
    }

    /** The loaded library; throws {@link NativeLibraryException} with the reason when it cannot load. */
    public static Geomlens get() {
        Geomlens g = instance;
        if (g == null) {
            synchronized (Geomlens.class) {
                if (instance == null) {
                    instance = new Geomlens();
                }
                g = instance;
            }
        }
        return g;
    }

    private void check(int status, String call) {
        if (status == OK) {
            return;
        }
        String msg;
        try {
            MemorySegment p = (MemorySegment) lastError.invokeExact();
            msg = p.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            msg = call + " failed with status " + status;
        }
        throw status == ERR_OUT_OF_MEMORY ? new OutOfDeviceMemoryException(msg) : new NativeCallException(status, msg);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check((int) deviceCount.invokeExact(out), "geomlens_device_count");
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment contextCreate(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) contextCreate.invokeExact(device, out), "geomlens_context_create");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void contextDestroy(MemorySegment ctx) {
        try {
            check((int) contextDestroy.invokeExact(ctx), "geomlens_context_destroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String deviceName(MemorySegment ctx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            check((int) deviceName.invokeExact(ctx, buf, 256), "geomlens_device_name");
            return buf.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {free, total} bytes. */
    public long[] memInfo(MemorySegment ctx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG);
            MemorySegment t = a.allocate(JAVA_LONG);
            check((int) memInfo.invokeExact(ctx, f, t), "geomlens_mem_info");
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void synchronize(MemorySegment ctx) {
        try {
            check((int) synchronize.invokeExact(ctx), "geomlens_synchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment alloc(MemorySegment ctx, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check((int) alloc.invokeExact(ctx, bytes, out), "geomlens_alloc");
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void free(MemorySegment ctx, MemorySegment ptr) {
        try {
            check((int) free.invokeExact(ctx, ptr), "geomlens_free");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void upload(MemorySegment ctx, MemorySegment dst, MemorySegment src, long bytes) {
        try {
            check((int) upload.invokeExact(ctx, dst, src, bytes), "geomlens_upload");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void download(MemorySegment ctx, MemorySegment dst, MemorySegment src, long bytes) {
        try {
            check((int) download.invokeExact(ctx, dst, src, bytes), "geomlens_download");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void memsetZero(MemorySegment ctx, MemorySegment dst, long bytes) {
        try {
            check((int) memsetZero.invokeExact(ctx, dst, bytes), "geomlens_memset_zero");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void copy2d(MemorySegment ctx, MemorySegment dst, long dstPitch, MemorySegment src, long srcPitch,
                       long width, long height) {
        try {
            check((int) copy2d.invokeExact(ctx, dst, dstPitch, src, srcPitch, width, height), "geomlens_copy_2d");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void gemm(MemorySegment ctx, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     MemorySegment a, long strideA, MemorySegment b, long strideB, float beta, MemorySegment c,
                     long strideC, int batch) {
        try {
            check((int) gemm.invokeExact(ctx, transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, strideA, b, strideB,
                    beta, c, strideC, batch), "geomlens_gemm");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The float64 Gram of the smaller side of each rows x cols matrix: min(rows, cols) square. */
    public void gramF64(MemorySegment ctx, MemorySegment m, int rows, int cols, int batch, MemorySegment gram) {
        try {
            check((int) gramF64.invokeExact(ctx, m, rows, cols, batch, gram), "geomlens_gram_f64");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void syevBatchedF64(MemorySegment ctx, MemorySegment a, int n, int batch, MemorySegment eigenvalues) {
        try {
            check((int) syevBatchedF64.invokeExact(ctx, a, n, batch, eigenvalues), "geomlens_syev_batched_f64");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void activationForward(MemorySegment ctx, int kind, float alpha, MemorySegment x, MemorySegment y,
                                  long count) {
        try {
            check((int) activationForward.invokeExact(ctx, kind, alpha, x, y, count), "geomlens_activation_forward");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void activationTangent(MemorySegment ctx, int kind, float alpha, MemorySegment x, MemorySegment tan,
                                  MemorySegment out, long rows, long width, long group) {
        try {
            check((int) activationTangent.invokeExact(ctx, kind, alpha, x, tan, out, rows, width, group),
                    "geomlens_activation_tangent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void binary(MemorySegment ctx, int op, MemorySegment a, long[] aStrides, MemorySegment b, long[] bStrides,
                       MemorySegment out, long[] outShape) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) binary.invokeExact(ctx, op, a, longs(ar, aStrides), b, longs(ar, bStrides), out,
                    longs(ar, outShape), outShape.length), "geomlens_binary");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void reduceTo(MemorySegment ctx, MemorySegment g, long[] gShape, MemorySegment out, long[] outStrides,
                         long outCount) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) reduceTo.invokeExact(ctx, g, longs(ar, gShape), gShape.length, out, longs(ar, outStrides),
                    outCount), "geomlens_reduce_to");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Columns of sample s, row r, pixel p at s * sampleStride + r * rowStride + p. */
    public void im2col(MemorySegment ctx, MemorySegment x, MemorySegment cols, int[] geometry, int n,
                       long sampleStride, long rowStride) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) im2col.invokeExact(ctx, x, cols, ar.allocateFrom(JAVA_INT, geometry), n, sampleStride,
                    rowStride), "geomlens_im2col");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void col2im(MemorySegment ctx, MemorySegment cols, MemorySegment x, int[] geometry, int n,
                       long sampleStride, long rowStride) {
        try (Arena ar = Arena.ofConfined()) {
            check((int) col2im.invokeExact(ctx, cols, x, ar.allocateFrom(JAVA_INT, geometry), n, sampleStride,
                    rowStride), "geomlens_col2im");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void channelAffine(MemorySegment ctx, MemorySegment x, MemorySegment y, MemorySegment scale,
                              MemorySegment shift, long count, int channels, long plane) {
        try {
            check((int) channelAffine.invokeExact(ctx, x, y, scale, shift, count, channels, plane),
                    "geomlens_channel_affine");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void channelBias(MemorySegment ctx, MemorySegment y, MemorySegment bias, long count, int channels,
                            long plane) {
        try {
            check((int) channelBias.invokeExact(ctx, y, bias, count, channels, plane), "geomlens_channel_bias");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** y[p, r] = sum of weight[j] x[p, column[j]] over row r's entries (start, column, weight on the device). */
    public void sparseRows(MemorySegment ctx, MemorySegment x, MemorySegment y, long planes, long inWidth, int rows,
                           MemorySegment start, MemorySegment column, MemorySegment weight) {
        try {
            check((int) sparseRows.invokeExact(ctx, x, y, planes, inWidth, rows, start, column, weight),
                    "geomlens_sparse_rows");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pads = {top, bottom, left, right}; mode 0 reflect, 1 edge. */
    public void borderPad(MemorySegment ctx, MemorySegment x, MemorySegment y, long planes, int h, int w, int[] pads,
                          int mode) {
        try {
            check((int) borderPad.invokeExact(ctx, x, y, planes, h, w, pads[0], pads[1], pads[2], pads[3], mode),
                    "geomlens_border_pad");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void borderPadAdjoint(MemorySegment ctx, MemorySegment g, MemorySegment x, long planes, int h, int w,
                                 int[] pads, int mode) {
        try {
            check((int) borderPadAdjoint.invokeExact(ctx, g, x, planes, h, w, pads[0], pads[1], pads[2], pads[3],
                    mode), "geomlens_border_pad_adjoint");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void upsample(MemorySegment ctx, MemorySegment x, MemorySegment y, long planes, int h, int w, int fy,
                         int fx) {
        try {
            check((int) upsample.invokeExact(ctx, x, y, planes, h, w, fy, fx), "geomlens_upsample_nearest");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void upsampleAdjoint(MemorySegment ctx, MemorySegment g, MemorySegment x, long planes, int h, int w,
                                int fy, int fx) {
        try {
            check((int) upsampleAdjoint.invokeExact(ctx, g, x, planes, h, w, fy, fx),
                    "geomlens_upsample_nearest_adjoint");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void upsampleLinear(MemorySegment ctx, MemorySegment x, MemorySegment y, long planes, int h, int w, int fy,
                               int fx, int mode) {
        try {
            check((int) upsampleLinear.invokeExact(ctx, x, y, planes, h, w, fy, fx, mode), "geomlens_upsample_linear");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void upsampleLinearAdjoint(MemorySegment ctx, MemorySegment g, MemorySegment x, long planes, int h, int w,
                                      int fy, int fx, int mode) {
        try {
            check((int) upsampleLinearAdjoint.invokeExact(ctx, g, x, planes, h, w, fy, fx, mode),
                    "geomlens_upsample_linear_adjoint");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void softmax(MemorySegment ctx, MemorySegment x, MemorySegment y, long rows, long width) {
        try {
            check((int) softmax.invokeExact(ctx, x, y, rows, width), "geomlens_softmax");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void softmaxTangent(MemorySegment ctx, MemorySegment s, MemorySegment t, MemorySegment out, long rows,
                               long width, long sRows) {
        try {
            check((int) softmaxTangent.invokeExact(ctx, s, t, out, rows, width, sRows), "geomlens_softmax_tangent");
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public void instanceNorm(MemorySegment ctx, MemorySegment x, MemorySegment y, MemorySegment scale,
                             MemorySegment bias, float eps, long planes, int channels, long plane) {
        try {
            check((int) instanceNorm.invokeExact(ctx, x, y, scale, bias, eps, planes, channels, plane),
                    "geomlens_instance_norm");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void instanceNormTangent(MemorySegment ctx, MemorySegment x, MemorySegment t, MemorySegment out,
                                    MemorySegment scale, float eps, long planes, int channels, long plane,
                                    long xPlanes) {
        try {
            check((int) instanceNormTangent.invokeExact(ctx, x, t, out, scale, eps, planes, channels, plane, xPlanes),
                    "geomlens_instance_norm_tangent");
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public void signBits(MemorySegment ctx, MemorySegment x, MemorySegment bits, int samples, int width,
                         int wordsPerSample, int wordOffset) {
        try {
            check((int) signBits.invokeExact(ctx, x, bits, samples, width, wordsPerSample, wordOffset),
                    "geomlens_sign_bits");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void signChanges(MemorySegment ctx, MemorySegment bits, int groups, int groupSize, int wordsPerSample,
                            MemorySegment layerOffsets, int layers, MemorySegment counts) {
        try {
            check((int) signChanges.invokeExact(ctx, bits, groups, groupSize, wordsPerSample, layerOffsets, layers,
                    counts), "geomlens_sign_changes");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment longs(Arena a, long[] v) {
        return v.length == 0 ? a.allocate(JAVA_LONG) : a.allocateFrom(JAVA_LONG, v);
    }

}
