package io.geomlens.graph;

/** A model that cannot be built or run: the message names the node, its op and the opset. */
public class GraphException extends RuntimeException {
    public GraphException(String message) {
        super(message);
    }

    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
