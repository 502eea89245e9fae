package io.geomlens.cpu;

import io.geomlens.SignPattern;
import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphException;
import io.geomlens.graph.Precision;
import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;

/** Runs a {@link Graph} on the CPU: forward, forward-mode (JVP) and reverse-mode (VJP). */
final class Interpreter {
    private final Graph graph;
    private final Precision precision;

    Interpreter(Graph graph, Precision precision) {
        this.graph = graph;
        this.precision = precision;
    }

    Tensor input(double[] z, int n) {
        int[] in = graph.inputShape();
        int[] s = new int[in.length + 1];
        s[0] = n;
        System.arraycopy(in, 0, s, 1, in.length);
        double[] d = z.clone();
        precision.round(d);
        return new Tensor(s, d);
    }

    /** Forward pass; when signs is non-null, records each nonlinearity input's sign bits. */
    Tensor forward(Tensor z, SignPattern signs) {
        Tensor[] values = new Tensor[graph.valueCount()];
        values[graph.inputValue()] = z;
        int layer = 0;
        for (Graph.Node node : graph.nodes()) {
            Tensor[] x = inputs(node, values);
            if (signs != null && node.op().isNonlinearity()) {
                record(signs, layer++, x[0]);
            }
            values[node.output()] = run(node, () -> node.op().forward(x));
        }
        return values[graph.outputValue()];
    }

    /** Tangents of the output for k tangents v (shape [k, input...]) at one latent z (batch 1). */
    Tensor jvp(Tensor z, Tensor v) {
        int k = v.dim(0);
        Tensor[] values = new Tensor[graph.valueCount()];
        Tensor[] tangents = new Tensor[graph.valueCount()];
        values[graph.inputValue()] = z;
        tangents[graph.inputValue()] = v;
        for (Graph.Node node : graph.nodes()) {
            Tensor[] x = inputs(node, values);
            Tensor[] t = new Tensor[x.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = tangents[node.inputs()[i]];
            }
            Tensor y = run(node, () -> node.op().forward(x));
            values[node.output()] = y;
            tangents[node.output()] = run(node, () -> expand(node.op().jvp(x, y, t), y.shapeWithBatch(k)));
        }
        return tangents[graph.outputValue()];
    }

    /** Cotangents of the input for k cotangents u (shape [k, output...]) at one latent z. */
    Tensor vjp(Tensor z, Tensor u) {
        int k = u.dim(0);
        Tensor[] values = new Tensor[graph.valueCount()];
        values[graph.inputValue()] = z;
        for (Graph.Node node : graph.nodes()) {
            Tensor[] x = inputs(node, values);
            values[node.output()] = run(node, () -> node.op().forward(x));
        }
        Tensor[] grads = new Tensor[graph.valueCount()];
        grads[graph.outputValue()] = u;
        var nodes = graph.nodes();
        for (int j = nodes.size() - 1; j >= 0; j--) {
            Graph.Node node = nodes.get(j);
            Tensor gy = grads[node.output()];
            if (gy == null) {
                continue;
            }
            Tensor[] x = inputs(node, values);
            boolean[] needs = new boolean[x.length];
            for (int i = 0; i < x.length; i++) {
                needs[i] = graph.constant(node.inputs()[i]) == null;
            }
            Tensor[] g = run(node, () -> node.op().vjp(x, values[node.output()], gy, needs));
            for (int i = 0; i < x.length; i++) {
                if (needs[i]) {
                    int id = node.inputs()[i];
                    precision.round(g[i].data());
                    grads[id] = grads[id] == null ? g[i] : Broadcast.apply(grads[id], g[i], Double::sum);
                }
            }
        }
        Tensor gz = grads[graph.inputValue()];
        return gz != null ? gz : Tensor.zeros(z.shapeWithBatch(k));
    }

    private Tensor[] inputs(Graph.Node node, Tensor[] values) {
        Tensor[] x = new Tensor[node.inputs().length];
        for (int i = 0; i < x.length; i++) {
            Tensor c = graph.constant(node.inputs()[i]);
            x[i] = c != null ? c : values[node.inputs()[i]];
        }
        return x;
    }

    private <T> T run(Graph.Node node, java.util.function.Supplier<T> step) {
        T out;
        try {
            out = step.get();
        } catch (ShapeException e) {
            throw new GraphException(node.describe(graph.opset()) + ": " + e.getMessage(), e);
        }
        if (out instanceof Tensor t) {
            precision.round(t.data());
        }
        return out;
    }

    /** A tangent that broadcasting left narrower than the output (x + const of larger shape). */
    private static Tensor expand(Tensor t, int[] shape) {
        if (java.util.Arrays.equals(t.shape(), shape)) {
            return t;
        }
        return Broadcast.apply(t, Tensor.zeros(shape), Double::sum);
    }

    private static void record(SignPattern signs, int layer, Tensor x) {
        int width = x.rowSize();
        double[] d = x.data();
        for (int s = 0; s < x.dim(0); s++) {
            for (int i = 0; i < width; i++) {
                if (d[s * width + i] > 0) {
                    signs.set(s, layer, i);
                }
            }
        }
    }
}
