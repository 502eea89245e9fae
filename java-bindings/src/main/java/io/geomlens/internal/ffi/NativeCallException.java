package io.geomlens.internal.ffi;

/** A libgeomlens call returned an error status; the message is the native one, naming the call. */
public class NativeCallException extends RuntimeException {
    private final int status;

    public NativeCallException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
