package io.geomlens.internal.ffi;

/** GPU memory ran out; the message gives the bytes asked for and the bytes free. */
public final class OutOfDeviceMemoryException extends NativeCallException {
    public OutOfDeviceMemoryException(String message) {
        super(Geomlens.ERR_OUT_OF_MEMORY, message);
    }
}
