package io.geomlens.cpu;

import io.geomlens.graph.Broadcast;
import io.geomlens.graph.Elementwise;
import io.geomlens.graph.Executor;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.graph.Tensor;

/** Host tensors: each node runs its own {@link io.geomlens.graph.Op} code, rounded to the precision. */
final class CpuExecutor implements Executor<Tensor> {
    private final Precision precision;

    CpuExecutor(Precision precision) {
        this.precision = precision;
    }

    @Override
    public Tensor constant(int value, Tensor c) {
        return c;
    }

    @Override
    public int[] shape(Tensor t) {
        return t.shape();
    }

    @Override
    public Tensor forward(Graph.Node node, Tensor[] x) {
        return precision.store(node.op().forward(x));
    }

    @Override
    public Tensor jvp(Graph.Node node, Tensor[] x, Tensor y, Tensor[] t) {
        return precision.store(node.op().jvp(x, y, t));
    }

    @Override
    public Tensor[] vjp(Graph.Node node, Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        Tensor[] g = node.op().vjp(x, y, gy, needs);
        for (int i = 0; i < g.length; i++) {
            if (g[i] != null) {
                g[i] = precision.store(g[i]);
            }
        }
        return g;
    }

    @Override
    public Tensor add(Tensor a, Tensor b) {
        return precision.store(Broadcast.apply(a, b, Elementwise.Kind.ADD));
    }

    @Override
    public Tensor expand(Tensor t, int[] shape) {
        return Broadcast.expand(t, shape);
    }

    @Override
    public Tensor zeros(int[] shape) {
        return Tensor.zeros(shape);
    }

    @Override
    public Tensor reshape(Tensor t, int[] shape) {
        return t.reshape(shape);
    }

    @Override
    public Tensor repeatRows(Tensor t, int k) {
        int[] s = t.shape();
        int row = t.rowSize();
        double[] src = t.data();
        double[] out = new double[src.length * k];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < k; j++) {
                System.arraycopy(src, i * row, out, (i * k + j) * row, row);
            }
        }
        s[0] *= k;
        return precision.store(new Tensor(s, out));
    }

    @Override
    public Tensor[] newArray(int n) {
        return new Tensor[n];
    }

}
