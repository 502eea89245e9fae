package io.geomlens.graph;

import java.util.Arrays;

/**
 * A fixed sparse linear map of each plane's trailing axes (GridSample on a fixed grid, Gather of an
 * index list): the input [lead..., inTail...] is read as planes of |inTail| elements, and
 * out[p, r] = sum over row r's entries j of weight[j] * in[p, column[j]], giving [lead..., outTail...].
 * The adjoint applies the transposed map, built once here, so both directions are row gathers:
 * deterministic, with no scatter.
 */
public final class SparseMap implements LinearMap {
    /** Compressed rows: row r's entries are start[r] .. start[r + 1] - 1 of column and weight. */
    public record Rows(int[] start, int[] column, double[] weight) {
        public int count() {
            return start.length - 1;
        }
    }

    private final int[] inTail;
    private final int[] outTail;
    private final Rows map;
    private final Rows adjoint;

    private SparseMap(int[] inTail, int[] outTail, Rows map) {
        this.inTail = inTail.clone();
        this.outTail = outTail.clone();
        this.map = map;
        this.adjoint = transpose(map, Tensor.product(inTail, 0, inTail.length));
    }

    /** Collects the map row by row: {@link #row} opens the next row, {@link #add} adds to it. */
    public static final class Builder {
        private int[] start = new int[16];
        private int rows;
        private int[] column = new int[16];
        private double[] weight = new double[16];
        private int size;

        public Builder row() {
            if (rows + 1 >= start.length) {
                start = Arrays.copyOf(start, 2 * start.length);
            }
            start[++rows] = size;
            return this;
        }

        /** Adds weight * in[column] to the open row; a column already in the row is summed. */
        public Builder add(int c, double w) {
            if (rows == 0) {
                throw new IllegalStateException("add before the first row()");
            }
            for (int j = start[rows - 1]; j < size; j++) {
                if (column[j] == c) {
                    weight[j] += w;
                    return this;
                }
            }
            if (size == column.length) {
                column = Arrays.copyOf(column, 2 * size);
                weight = Arrays.copyOf(weight, 2 * size);
            }
            column[size] = c;
            weight[size++] = w;
            start[rows] = size;
            return this;
        }

        public SparseMap build(int[] inTail, int[] outTail) {
            int width = Tensor.product(inTail, 0, inTail.length);
            if (rows != Tensor.product(outTail, 0, outTail.length)) {
                throw new ShapeException(rows + " rows for an output tail of " + Arrays.toString(outTail));
            }
            for (int j = 0; j < size; j++) {
                if (column[j] < 0 || column[j] >= width) {
                    throw new ShapeException("the map reads element " + column[j] + " of planes of " + width);
                }
            }
            return new SparseMap(inTail, outTail, new Rows(Arrays.copyOf(start, rows + 1),
                    Arrays.copyOf(column, size), Arrays.copyOf(weight, size)));
        }
    }

    public Rows map() {
        return map;
    }

    public Rows adjoint() {
        return adjoint;
    }

    public int inWidth() {
        return adjoint.count();
    }

    public int outWidth() {
        return map.count();
    }

    /** The input's shape with its tail replaced: the output's shape. */
    public int[] outputShape(int[] s) {
        int lead = s.length - inTail.length;
        if (lead < 1 || !Arrays.equals(Arrays.copyOfRange(s, lead, s.length), inTail)) {
            throw new ShapeException("expects [N, ..., " + Arrays.toString(inTail).replaceAll("[\\[\\]]", "")
                    + "], got " + Arrays.toString(s));
        }
        int[] o = Arrays.copyOf(s, lead + outTail.length);
        System.arraycopy(outTail, 0, o, lead, outTail.length);
        return o;
    }

    @Override
    public Tensor forward(Tensor[] x) {
        int[] s = outputShape(x[0].shape());
        return new Tensor(s, apply(map, x[0].data(), inWidth()));
    }

    @Override
    public Tensor[] vjp(Tensor[] x, Tensor y, Tensor gy, boolean[] needs) {
        double[] g = apply(adjoint, gy.data(), outWidth());
        return new Tensor[] {new Tensor(LinearMap.cotangentShape(x[0], gy), g)};
    }

    private static double[] apply(Rows m, double[] in, int width) {
        int planes = in.length / width;
        int rows = m.count();
        double[] out = new double[planes * rows];
        for (int p = 0; p < planes; p++) {
            int base = p * width;
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = m.start[r]; j < m.start[r + 1]; j++) {
                    sum += m.weight[j] * in[base + m.column[j]];
                }
                out[p * rows + r] = sum;
            }
        }
        return out;
    }

    private static Rows transpose(Rows m, int width) {
        int[] start = new int[width + 1];
        for (int c : m.column) {
            start[c + 1]++;
        }
        for (int c = 0; c < width; c++) {
            start[c + 1] += start[c];
        }
        int[] fill = Arrays.copyOf(start, width);
        int[] column = new int[m.column.length];
        double[] weight = new double[m.weight.length];
        for (int r = 0; r < m.count(); r++) {
            for (int j = m.start[r]; j < m.start[r + 1]; j++) {
                int at = fill[m.column[j]]++;
                column[at] = r;
                weight[at] = m.weight[j];
            }
        }
        return new Rows(start, column, weight);
    }
}
