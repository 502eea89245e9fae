package io.geomlens.cuda;

import io.geomlens.graph.Activation;
import io.geomlens.graph.BatchBroadcast;
import io.geomlens.graph.BatchedMatMul;
import io.geomlens.graph.BorderPad;
import io.geomlens.graph.Broadcast;
import io.geomlens.graph.ChannelAffine;
import io.geomlens.graph.Concat;
import io.geomlens.graph.Conv2d;
import io.geomlens.graph.Dense;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Executor;
import io.geomlens.graph.ExpandTo;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphException;
import io.geomlens.graph.InstanceNorm;
import io.geomlens.graph.Narrow;
import io.geomlens.graph.Reduce;
import io.geomlens.graph.Reshape;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Softmax;
import io.geomlens.graph.SparseMap;
import io.geomlens.graph.Tensor;
import io.geomlens.graph.Transpose;
import io.geomlens.graph.ZeroPad;
import io.geomlens.graph.UpsampleLinear;
import io.geomlens.graph.UpsampleNearest;
import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs graph nodes on the GPU with the same math as the CPU ops: GEMMs through cuBLAS (Conv via
 * im2col/col2im, batched over samples in chunks), fused activation derivatives, broadcasting
 * elementwise kernels. Temporaries live until {@link #close()}, one call's scope.
 */
final class CudaExecutor implements Executor<DeviceTensor>, AutoCloseable {
    private final CudaContext cx;
    private final Geomlens lib;
    private final MemorySegment h;
    private final DeviceCache cache;
    private final List<DeviceBuffer> scope = new ArrayList<>();
    private final DeviceAttention attention;
    private final DeviceInstanceNorm norm;
    private final DeviceConv convs;
    private final DeviceCopies copies;
    private final DeviceResample resample;

    CudaExecutor(CudaContext cx, DeviceCache cache) {
        this.cx = cx;
        this.lib = cx.lib();
        this.h = cx.handle();
        this.cache = cache;
        this.attention = new DeviceAttention(this, cx);
        this.norm = new DeviceInstanceNorm(this, cx, cache);
        this.convs = new DeviceConv(this, cx, cache);
        this.copies = new DeviceCopies(this, cx);
        this.resample = new DeviceResample(this, cx, cache);
    }

    DeviceTensor alloc(int[] shape) {
        DeviceBuffer b = cx.alloc(Math.max(4, 4 * Tensor.count(shape)));
        scope.add(b);
        return new DeviceTensor(shape.clone(), b.pointer());
    }

    DeviceTensor upload(double[] values, int[] shape) {
        DeviceBuffer b = cx.uploadFloats(values);
        scope.add(b);
        return new DeviceTensor(shape.clone(), b.pointer());
    }

    /**
     * Frees a temporary of this call before the call ends (stream-ordered: work already queued
     * that reads it runs first), so a step's scratch (a conv's columns) does not add to the
     * call's peak. Only for tensors this executor allocated and nothing else still points into.
     */
    @Override
    public Object bufferOf(DeviceTensor t) {
        long a = t.pointer().address();
        for (DeviceBuffer b : scope) {
            long base = b.pointer().address();
            if (a >= base && a < base + Math.max(1, b.bytes())) {
                return b;
            }
        }
        return null;
    }

    @Override
    public void releaseBuffer(Object buffer) {
        if (buffer instanceof DeviceBuffer b && scope.remove(b)) {
            b.close();
        }
    }

    void release(DeviceTensor t) {
        if (t == null) {
            return;
        }
        Object b = bufferOf(t);
        if (b == null) {
            throw new IllegalStateException("release of a tensor this call did not allocate");
        }
        releaseBuffer(b);
    }

    @Override
    public void close() {
        scope.forEach(DeviceBuffer::close);
        scope.clear();
    }

    @Override
    public DeviceTensor constant(int value, Tensor c) {
        return cache.constant(value, c);
    }

    @Override
    public int[] shape(DeviceTensor t) {
        return t.shape().clone();
    }

    @Override
    public DeviceTensor[] newArray(int n) {
        return new DeviceTensor[n];
    }

    @Override
    public void synchronize() {
        lib.synchronize(h);
    }

    @Override
    public DeviceTensor reshape(DeviceTensor t, int[] shape) {
        return new DeviceTensor(shape.clone(), t.pointer());
    }

    @Override
    public DeviceTensor zeros(int[] shape) {
        DeviceTensor t = alloc(shape);
        lib.memsetZero(h, t.pointer(), 4 * t.count());
        return t;
    }

    /** Zeroed device memory for count 64-bit words (sign bits). */
    MemorySegment zeroWords(int count) {
        DeviceBuffer b = cx.alloc(8L * Math.max(1, count));
        scope.add(b);
        lib.memsetZero(h, b.pointer(), 8L * Math.max(1, count));
        return b.pointer();
    }

    private static final double[] ZERO = {0};

    /** [N, ...] -> [N*k, ...]: the broadcast copy of [N, 1, row] into [N, k, row]. */
    @Override
    public DeviceTensor repeatRows(DeviceTensor t, int k) {
        long row = t.rowSize();
        return broadcastCopy(t, k, new long[] {t.shape()[0], k, row}, new long[] {row, 0, 1});
    }

    /** [k, ...] -> [n*k, ...]: the whole tensor n times (shared tangents for every latent). */
    DeviceTensor tile(DeviceTensor t, int n) {
        return broadcastCopy(t, n, new long[] {n, t.count()}, new long[] {0, 1});
    }

    /** t read with the given strides over the shape view, written densely; dimension 0 grows by factor. */
    private DeviceTensor broadcastCopy(DeviceTensor t, int factor, long[] view, long[] strides) {
        int[] os = t.shape();
        os[0] *= factor;
        return stridedCopy(t, strides, view, os);
    }

    /** A dense tensor of outShape holding t read with the given element strides over view (same count). */
    DeviceTensor stridedCopy(DeviceTensor t, long[] strides, long[] view, int[] outShape) {
        DeviceTensor out = alloc(outShape);
        stridedCopyInto(t.pointer(), strides, view, out.pointer());
        return out;
    }

    /** dst (dense over view) = src read with the given element strides. */
    void stridedCopyInto(MemorySegment src, long[] strides, long[] view, MemorySegment dst) {
        lib.binary(h, Elementwise.Kind.ADD.ordinal(), src, strides, cache.of(ZERO).pointer(), new long[view.length], dst,
                view);
    }

    /** Device float64 scratch owned by this call's scope. */
    MemorySegment allocDoubles(long count) {
        DeviceBuffer b = cx.alloc(8 * Math.max(1, count));
        scope.add(b);
        return b.pointer();
    }

    @Override
    public DeviceTensor add(DeviceTensor a, DeviceTensor b) {
        return binary(Elementwise.Kind.ADD, a, b);
    }

    @Override
    public DeviceTensor expand(DeviceTensor t, int[] shape) {
        // One strided read (stride 0 on broadcast axes), not an add against a zeroed tensor.
        int[] os = Broadcast.shape(t.shape(), shape);
        return stridedCopy(t, longs(Broadcast.strides(t.shape(), os)), longs(os), os);
    }

    @Override
    public DeviceTensor forward(Graph.Node node, DeviceTensor[] x) {
        return switch (node.op()) {
            case Dense d -> {
                DeviceTensor y = dense(x[0], d, false);
                yield d.bias() == null ? y : binary(Elementwise.Kind.ADD, y, cache.of(d.bias().data(), d.bias().shape()));
            }
            case Conv2d c -> convs.conv(x[0], c, true);
            case Activation a -> {
                DeviceTensor y = alloc(x[0].shape());
                lib.activationForward(h, a.kind().ordinal(), (float) a.alpha(), x[0].pointer(), y.pointer(), y.count());
                yield y;
            }
            case Elementwise e -> binary(e.kind(), x[0], x[1]);
            case ChannelAffine a -> affine(x[0], a, true);
            case Reshape r -> reshape(x[0], r.resolve(x[0].shape()));
            case UpsampleNearest u -> resample.upsample(x[0], u);
            case UpsampleLinear u -> resample.bilinear(x[0], u);
            case Concat c -> copies.concat(x, c);
            case Narrow s -> copies.narrow(x[0], s);
            case Reduce r -> reduce(x[0], r);
            case BatchBroadcast bb -> repeatRows(x[0], x[1].shape()[0]);
            case ExpandTo e -> expand(x[0], e.outputShape(x[0].shape()));
            case ZeroPad p -> pad(x[0], p);
            case BorderPad p -> resample.borderPad(x[0], p);
            case SparseMap m -> resample.sparse(x[0], m);
            case Transpose p -> attention.permute(x[0], p.perm());
            case BatchedMatMul m -> attention.multiply(x[0], false, x[1], false);
            case Softmax sm -> attention.softmax(x[0]);
            case InstanceNorm in -> norm.forward(x[0], in);
            default -> throw unsupported(node);
        };
    }

    @Override
    public DeviceTensor jvp(Graph.Node node, DeviceTensor[] x, DeviceTensor y, DeviceTensor[] t) {
        int k = t[0] != null ? t[0].shape()[0] : t[1].shape()[0];
        return switch (node.op()) {
            case Dense d -> dense(t[0], d, false);
            case Conv2d c -> convs.conv(t[0], c, false);
            case Activation a -> slope(a, x[0], t[0]);
            case Elementwise e -> elementwiseJvp(e.kind(), x, y, t[0], t[1]);
            case ChannelAffine a -> affine(t[0], a, false);
            case Reshape r -> reshape(t[0], withBatch(y.shape(), k));
            case UpsampleNearest u -> resample.upsample(t[0], u);
            case UpsampleLinear u -> resample.bilinear(t[0], u);
            case Concat c -> copies.concat(t, c);
            case Narrow s -> copies.narrow(t[0], s);
            case Reduce r -> reduce(t[0], r);
            case BatchBroadcast bb -> zeros(withBatch(x[0].shape(), k));
            case ExpandTo e -> expand(t[0], e.outputShape(t[0].shape()));
            case ZeroPad p -> pad(t[0], p);
            case BorderPad p -> resample.borderPad(t[0], p);
            case SparseMap m -> resample.sparse(t[0], m);
            case Transpose p -> attention.permute(t[0], p.perm());
            case BatchedMatMul m -> {
                DeviceTensor a = t[0] == null ? null : attention.multiply(t[0], false, x[1], false);
                DeviceTensor b = t[1] == null ? null : attention.multiply(x[0], false, t[1], false);
                yield a == null ? b : b == null ? a : binary(Elementwise.Kind.ADD, a, b);
            }
            case Softmax sm -> attention.softmaxDerivative(y, t[0]);
            case InstanceNorm in -> norm.derivative(x[0], t[0], in);
            default -> throw unsupported(node);
        };
    }

    @Override
    public DeviceTensor[] vjp(Graph.Node node, DeviceTensor[] x, DeviceTensor y, DeviceTensor gy, boolean[] needs) {
        int k = gy.shape()[0];
        return switch (node.op()) {
            case Dense d -> new DeviceTensor[] {dense(gy, d, true)};
            case Conv2d c -> new DeviceTensor[] {convs.convAdjoint(x[0], gy, c)};
            case Activation a -> new DeviceTensor[] {slope(a, x[0], gy)};
            case Elementwise e -> elementwiseVjp(e.kind(), x, y, gy, needs);
            case ChannelAffine a -> new DeviceTensor[] {affine(gy, a, false)};
            case Reshape r -> new DeviceTensor[] {reshape(gy, withBatch(x[0].shape(), k))};
            case UpsampleNearest u -> new DeviceTensor[] {resample.upsampleAdjoint(gy, u)};
            case UpsampleLinear u -> new DeviceTensor[] {resample.bilinearAdjoint(gy, u)};
            case Concat c -> copies.split(x, gy, c);
            case Narrow s -> new DeviceTensor[] {copies.widen(x[0], gy, s)};
            case Reduce r -> new DeviceTensor[] {spread(x[0], gy, r)};
            case BatchBroadcast bb -> new DeviceTensor[] {null, needs[1] ? zeros(withBatch(x[1].shape(), k)) : null};
            case ExpandTo e -> new DeviceTensor[] {reduceTo(gy, withBatch(x[0].shape(), k))};
            case ZeroPad p -> new DeviceTensor[] {crop(gy, withBatch(x[0].shape(), k), p)};
            case BorderPad p -> new DeviceTensor[] {resample.borderPadAdjoint(gy, withBatch(x[0].shape(), k), p)};
            case SparseMap m -> new DeviceTensor[] {resample.sparseAdjoint(gy, withBatch(x[0].shape(), k), m)};
            case Transpose p -> new DeviceTensor[] {attention.permute(gy, p.inverse())};
            case BatchedMatMul m -> new DeviceTensor[] {needs[0] ? attention.multiply(gy, false, x[1], true) : null,
                    needs[1] ? attention.multiply(x[0], true, gy, false) : null};
            case Softmax sm -> new DeviceTensor[] {attention.softmaxDerivative(y, gy)};
            case InstanceNorm in -> new DeviceTensor[] {norm.derivative(x[0], gy, in)};
            default -> throw unsupported(node);
        };
    }

    /** The ops this executor runs; CudaBackend.load rejects a graph with any other. */
    static boolean supports(io.geomlens.graph.Op op) {
        return op instanceof Dense || op instanceof Conv2d || op instanceof Activation || op instanceof Elementwise
                || op instanceof ChannelAffine || op instanceof Reshape || op instanceof UpsampleNearest
                || op instanceof UpsampleLinear || op instanceof Narrow || op instanceof Reduce
                || op instanceof BatchBroadcast || op instanceof ExpandTo || op instanceof ZeroPad || op instanceof BorderPad
                || op instanceof SparseMap || op instanceof Concat || op instanceof Transpose
                || op instanceof BatchedMatMul || op instanceof Softmax || op instanceof InstanceNorm;
    }

    static GraphException unsupported(Graph.Node node) {
        return new GraphException("node '" + node.name() + "' (" + node.opType() + ") has no CUDA implementation yet;"
                + " run this model with --backend cpu");
    }

    private static int[] withBatch(int[] s, int batch) {
        int[] o = s.clone();
        o[0] = batch;
        return o;
    }

    // ---- Dense: y = x W (rows x in times in x out); adjoint g W^T.
    private DeviceTensor dense(DeviceTensor x, Dense d, boolean adjoint) {
        int in = adjoint ? d.outFeatures() : d.inFeatures();
        int out = adjoint ? d.inFeatures() : d.outFeatures();
        int[] s = x.shape();
        if (s.length < 2 || s[s.length - 1] != in) {
            throw new ShapeException("expects input with last dimension " + in + ", got " + Arrays.toString(s));
        }
        int rows = (int) (x.count() / in);
        s[s.length - 1] = out;
        DeviceTensor y = alloc(s);
        DeviceTensor w = cache.of(d.weights(), d.inFeatures(), d.outFeatures());
        lib.gemm(h, false, adjoint, rows, out, in, 1f, x.pointer(), 0, w.pointer(), 0, 0f, y.pointer(), 0, 1);
        return y;
    }

    // ---- Reduce: the broadcast adjoint (sum onto the kept shape), scaled; its adjoint broadcasts back.
    private DeviceTensor reduce(DeviceTensor x, Reduce r) {
        int[] s = x.shape();
        DeviceTensor sum = reduceTo(x, r.keptShape(s));
        return reshape(binary(Elementwise.Kind.MUL, sum, cache.of(r.factor())), r.outputShape(s));
    }

    private DeviceTensor spread(DeviceTensor primalIn, DeviceTensor gy, Reduce r) {
        int[] s = primalIn.shape();
        s[0] = gy.shape()[0];
        DeviceTensor g = reshape(gy, r.keptShape(s));
        return binary(Elementwise.Kind.MUL, expand(g, s), cache.of(r.factor()));
    }

    // ---- ZeroPad: zeros, then x scattered into the interior through reduce_to (out = the interior's
    // first element, the padded strides, no zeroing by the call); crop reads the interior strided.
    private DeviceTensor pad(DeviceTensor x, ZeroPad p) {
        int[] ps = p.paddedShape(x.shape());
        DeviceTensor out = zeros(ps);
        lib.reduceTo(h, x.pointer(), longs(x.shape()), DeviceTensor.offset(out.pointer(), p.interiorOffset(ps)),
                denseStrides(ps), 0);
        return out;
    }

    private DeviceTensor crop(DeviceTensor g, int[] inner, ZeroPad p) {
        int[] ps = g.shape();
        return stridedCopy(new DeviceTensor(ps, DeviceTensor.offset(g.pointer(), p.interiorOffset(ps))),
                denseStrides(ps), longs(inner), inner);
    }

    /** Row-major element strides of shape s. */
    static long[] denseStrides(int[] s) {
        long[] st = new long[s.length];
        long acc = 1;
        for (int i = s.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= s[i];
        }
        return st;
    }

    // ---- Pointwise pieces.
    private DeviceTensor slope(Activation a, DeviceTensor x, DeviceTensor t) {
        int xRows = x.shape()[0];
        int rows = t.shape()[0];
        if (rows % xRows != 0 || x.rowSize() != t.rowSize()) {
            throw new ShapeException("tangents " + Arrays.toString(t.shape()) + " do not match primal "
                    + Arrays.toString(x.shape()));
        }
        DeviceTensor out = alloc(t.shape());
        lib.activationTangent(h, a.kind().ordinal(), (float) a.alpha(), x.pointer(), t.pointer(), out.pointer(), rows,
                t.rowSize(), rows / xRows);
        return out;
    }

    private DeviceTensor affine(DeviceTensor x, ChannelAffine a, boolean withShift) {
        int c = a.scale().length;
        if (x.shape().length < 2 || x.shape()[1] != c) {
            throw new ShapeException("expects " + c + " channels in dimension 1, got " + Arrays.toString(x.shape()));
        }
        DeviceTensor y = alloc(x.shape());
        lib.channelAffine(h, x.pointer(), y.pointer(), cache.of(a.scale(), c).pointer(),
                withShift ? cache.of(a.shift(), c).pointer() : MemorySegment.NULL, y.count(), c, x.rowSize() / c);
        return y;
    }

    // ---- Elementwise with broadcasting, and its derivatives (same formulas as Elementwise).
    DeviceTensor binary(Elementwise.Kind op, DeviceTensor a, DeviceTensor b) {
        int[] os = Broadcast.shape(a.shape(), b.shape());
        DeviceTensor out = alloc(os);
        lib.binary(h, op.ordinal(), a.pointer(), longs(Broadcast.strides(a.shape(), os)), b.pointer(),
                longs(Broadcast.strides(b.shape(), os)), out.pointer(), longs(os));
        return out;
    }

    private static final double[] MINUS_ONE = {-1};

    private DeviceTensor neg(DeviceTensor a) {
        return binary(Elementwise.Kind.MUL, a, cache.of(MINUS_ONE));
    }

    DeviceTensor reduceTo(DeviceTensor g, int[] target) {
        if (Arrays.equals(g.shape(), target)) {
            return g;
        }
        DeviceTensor out = alloc(target);
        lib.reduceTo(h, g.pointer(), longs(g.shape()), out.pointer(), longs(Broadcast.strides(target, g.shape())),
                out.count());
        return out;
    }

    private DeviceTensor elementwiseJvp(Elementwise.Kind kind, DeviceTensor[] x, DeviceTensor y, DeviceTensor ta,
                                        DeviceTensor tb) {
        return switch (kind) {
            case ADD -> ta == null ? tb : tb == null ? ta : binary(Elementwise.Kind.ADD, ta, tb);
            case SUB -> tb == null ? ta : ta == null ? neg(tb) : binary(Elementwise.Kind.SUB, ta, tb);
            case MUL -> {
                DeviceTensor p = ta == null ? null : binary(Elementwise.Kind.MUL, ta, x[1]);
                DeviceTensor q = tb == null ? null : binary(Elementwise.Kind.MUL, tb, x[0]);
                yield p == null ? q : q == null ? p : binary(Elementwise.Kind.ADD, p, q);
            }
            case DIV -> {
                DeviceTensor ytb = tb == null ? null : binary(Elementwise.Kind.MUL, tb, y);
                DeviceTensor num = ytb == null ? ta : ta == null ? neg(ytb) : binary(Elementwise.Kind.SUB, ta, ytb);
                yield binary(Elementwise.Kind.DIV, num, x[1]);
            }
        };
    }

    private DeviceTensor[] elementwiseVjp(Elementwise.Kind kind, DeviceTensor[] x, DeviceTensor y, DeviceTensor gy,
                                          boolean[] needs) {
        DeviceTensor[] g = new DeviceTensor[2];
        int k = gy.shape()[0];
        for (int i = 0; i < 2; i++) {
            if (!needs[i]) {
                continue;
            }
            DeviceTensor local = switch (kind) {
                case ADD -> gy;
                case SUB -> i == 0 ? gy : neg(gy);
                case MUL -> binary(Elementwise.Kind.MUL, gy, x[1 - i]);
                case DIV -> i == 0 ? binary(Elementwise.Kind.DIV, gy, x[1])
                        : binary(Elementwise.Kind.DIV, binary(Elementwise.Kind.MUL, neg(gy), y), x[1]);
            };
            g[i] = reduceTo(local, withBatch(x[i].shape(), k));
        }
        return g;
    }

    static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            l[i] = a[i];
        }
        return l;
    }
}
