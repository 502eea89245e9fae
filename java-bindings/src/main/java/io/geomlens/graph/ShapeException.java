package io.geomlens.graph;

/** A tensor shape that does not fit an op; the importer adds the node, op and opset. */
public final class ShapeException extends RuntimeException {
    public ShapeException(String message) {
        super(message);
    }
}
