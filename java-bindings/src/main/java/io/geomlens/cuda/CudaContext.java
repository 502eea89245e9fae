package io.geomlens.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One GPU: a native context (stream, cuBLAS and cuSOLVER handles, memory pool). Closing it
 * destroys the native context; buffers must be closed before. Calls are serialized on it.
 */
public final class CudaContext implements AutoCloseable {
    private final Geomlens lib;
    private final MemorySegment ctx;
    private final String deviceName;
    private boolean closed;

    private CudaContext(Geomlens lib, MemorySegment ctx) {
        this.lib = lib;
        this.ctx = ctx;
        this.deviceName = lib.deviceName(ctx);
    }

    /** Opens device 0; throws with the reason (library missing, no GPU, driver error). */
    public static CudaContext open(int device) {
        Geomlens lib = Geomlens.get();
        return new CudaContext(lib, lib.contextCreate(device));
    }

    Geomlens lib() {
        return lib;
    }

    MemorySegment handle() {
        if (closed) {
            throw new IllegalStateException("the CUDA context is closed");
        }
        return ctx;
    }

    public String deviceName() {
        return deviceName;
    }

    /** {free, total} device memory in bytes. */
    public long[] memInfo() {
        return lib.memInfo(handle());
    }

    public DeviceBuffer alloc(long bytes) {
        return new DeviceBuffer(this, lib.alloc(handle(), bytes), bytes);
    }

    /** Uploads values as float32. */
    public DeviceBuffer uploadFloats(double[] values) {
        DeviceBuffer b = alloc(4L * values.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(JAVA_FLOAT, Math.max(1, values.length));
            for (int i = 0; i < values.length; i++) {
                host.setAtIndex(JAVA_FLOAT, i, (float) values[i]);
            }
            lib.upload(handle(), b.pointer(), host, 4L * values.length);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    public double[] downloadFloats(MemorySegment src, int count) {
        float[] f = download(src, count, JAVA_FLOAT).toArray(JAVA_FLOAT);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = f[i];
        }
        return out;
    }

    public long[] downloadLongs(MemorySegment src, int count) {
        return download(src, count, JAVA_LONG).toArray(JAVA_LONG);
    }

    public double[] downloadDoubles(MemorySegment src, int count) {
        return download(src, count, JAVA_DOUBLE).toArray(JAVA_DOUBLE);
    }

    /** count elements of the given layout from the device, into a heap-backed segment. */
    private MemorySegment download(MemorySegment src, int count, java.lang.foreign.ValueLayout layout) {
        long bytes = layout.byteSize() * count;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, bytes));
            lib.download(handle(), host, src, bytes);
            return MemorySegment.ofArray(host.asSlice(0, bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }

    public void uploadInts(MemorySegment dst, int[] values) {
        try (Arena a = Arena.ofConfined()) {
            lib.upload(handle(), dst, a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, values), 4L * values.length);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.contextDestroy(ctx);
        }
    }
}
