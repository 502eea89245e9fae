package io.geomlens.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.geomlens.internal.ffi.Geomlens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Function;

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
        return upload(4L * values.length, a -> HostBuffers.floats(a, values));
    }

    public DeviceBuffer uploadInts(int[] values) {
        return upload(4L * values.length, a -> HostBuffers.ints(a, values));
    }

    /**
     * A new device buffer holding what stage writes into host staging memory; at least 4 bytes, so
     * an empty array still has a device address to pass.
     */
    private DeviceBuffer upload(long bytes, Function<Arena, MemorySegment> stage) {
        DeviceBuffer b = alloc(Math.max(bytes, 4));
        try (Arena a = Arena.ofConfined()) {
            lib.upload(handle(), b.pointer(), stage.apply(a), bytes);
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
        return b;
    }

    public double[] downloadFloats(MemorySegment src, int count) {
        return download(src, count, JAVA_FLOAT, host -> HostBuffers.readFloats(host, count));
    }

    public long[] downloadLongs(MemorySegment src, int count) {
        return download(src, count, JAVA_LONG, host -> HostBuffers.readLongs(host, count));
    }

    public double[] downloadDoubles(MemorySegment src, int count) {
        return download(src, count, JAVA_DOUBLE, host -> HostBuffers.readDoubles(host, count));
    }

    /** count elements of the layout from the device into aligned native memory, read there. */
    private <R> R download(MemorySegment src, int count, ValueLayout layout, Function<MemorySegment, R> read) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = HostBuffers.allocate(a, layout, count);
            lib.download(handle(), host, src, layout.byteSize() * count);
            return read.apply(host);
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
