package io.geomlens.cuda;

import java.lang.foreign.MemorySegment;

/** Device memory from the context's pool; close() frees it (once). */
public final class DeviceBuffer implements AutoCloseable {
    private final CudaContext context;
    private final MemorySegment pointer;
    private final long bytes;
    private boolean freed;

    DeviceBuffer(CudaContext context, MemorySegment pointer, long bytes) {
        this.context = context;
        this.pointer = pointer;
        this.bytes = bytes;
    }

    public MemorySegment pointer() {
        return pointer;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            context.lib().free(context.handle(), pointer);
        }
    }
}
