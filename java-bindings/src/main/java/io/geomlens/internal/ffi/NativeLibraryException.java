package io.geomlens.internal.ffi;

/** libgeomlens.so is missing, cannot be loaded, or lacks a symbol. */
public final class NativeLibraryException extends RuntimeException {
    public NativeLibraryException(String message) {
        super(message);
    }
}
