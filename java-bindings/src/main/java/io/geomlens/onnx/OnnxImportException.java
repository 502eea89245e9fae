package io.geomlens.onnx;

import io.geomlens.graph.GraphException;

/** The ONNX file cannot become a model; the message names the file, node, op and opset. */
public final class OnnxImportException extends GraphException {
    public OnnxImportException(String message) {
        super(message);
    }

    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
