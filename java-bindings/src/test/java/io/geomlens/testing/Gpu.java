package io.geomlens.testing;

import io.geomlens.cuda.CudaBackend;
import org.junit.jupiter.api.Assumptions;

/** GPU tests call {@link #backend()}: without a loadable libgeomlens and a GPU they are skipped. */
public final class Gpu {
    private static CudaBackend backend;
    private static String reason;

    private Gpu() {}

    public static synchronized CudaBackend backend() {
        if (backend == null && reason == null) {
            try {
                backend = CudaBackend.open(0);
            } catch (RuntimeException e) {
                reason = e.getMessage();
            }
        }
        Assumptions.assumeTrue(backend != null, () -> "no GPU: " + reason);
        return backend;
    }

    /** True when a GPU backend opens (for tests of the no-GPU paths, which then skip). */
    public static synchronized boolean available() {
        try {
            backend();
            return true;
        } catch (org.opentest4j.TestAbortedException e) {
            return false;
        }
    }
}
