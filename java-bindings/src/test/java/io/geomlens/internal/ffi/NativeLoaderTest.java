package io.geomlens.internal.ffi;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.testing.Gpu;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class NativeLoaderTest {
    /** A path given explicitly that fails is reported with the dlopen error, never silently skipped. */
    @Test
    void explicitPathThatFailsIsFinalAndShowsTheRealError() {
        Assumptions.assumeFalse(Gpu.available(), "a library is already loaded in this JVM");
        String before = System.getProperty(NativeLoader.PATH_PROPERTY);
        System.setProperty(NativeLoader.PATH_PROPERTY, "/nonexistent/dir/libgeomlens.so");
        try {
            var e = assertThrows(NativeLibraryException.class, NativeLoader::load);
            assertTrue(e.getMessage().contains("/nonexistent/dir/libgeomlens.so")
                    && e.getMessage().contains("Can't load library"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(NativeLoader.PATH_PROPERTY);
            } else {
                System.setProperty(NativeLoader.PATH_PROPERTY, before);
            }
        }
    }
}
