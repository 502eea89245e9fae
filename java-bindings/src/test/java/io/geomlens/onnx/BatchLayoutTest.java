package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.graph.Tensor;
import org.junit.jupiter.api.Test;

/** The layout algebra behind DisplacedBatch, on nn.MultiheadAttention's sequence of shapes. */
class BatchLayoutTest {
    private static final double N = ShapeFolding.BATCH;

    /** x [N, 6, 16] -> [6, N, 16] -> view(6, N * 4, 4) -> [N * 4, 6, 4] -> view(N, 4, 6, 4): plain again. */
    @Test
    void multiheadAttentionRoundTrip() {
        BatchLayout seqFirst = BatchLayout.plain(new int[] {1, 6, 16}).permuted(new int[] {1, 0, 2});
        assertEquals("[6, N, 16]", seqFirst.describe());
        assertFalse(seqFirst.plainable());
        assertArrayEquals(new double[] {6, N, 16}, seqFirst.onnxShape());

        BatchLayout.Reshaped heads = seqFirst.reshape(new double[] {6, 4 * N, 4});
        assertTrue(heads.reshapes(), "16 is split into 4 x 4 in the computed tensor");
        assertEquals("[6, N*4, 4]", heads.layout().describe());
        assertArrayEquals(new int[] {1, 6, 4, 4}, heads.layout().computedShape());

        BatchLayout batchHeads = heads.layout().permuted(new int[] {1, 0, 2});
        assertEquals("[N*4, 6, 4]", batchHeads.describe());
        assertArrayEquals(new int[] {1, 1, 4, 6, 4}, batchHeads.canonical().computedShape(),
                "canonical: ONNX order, the batch's axis as [before 1, after 4]");

        BatchLayout.Reshaped split = batchHeads.reshape(new double[] {N, 4, 6, 4});
        assertFalse(split.reshapes());
        assertTrue(split.layout().plainable());
        assertArrayEquals(new int[] {1, 4, 6, 4}, split.layout().plainShape());
        assertArrayEquals(new int[] {4, 6, 4}, sizes(split.layout(), split.layout().onnxOrder()),
                "heads, tokens, head size");
    }

    /** view(L * N, E) before out_proj: -1 takes the batch when no entry names it. */
    @Test
    void inferredEntryTakesTheBatch() {
        BatchLayout seqFirst = BatchLayout.plain(new int[] {1, 6, 16}).permuted(new int[] {1, 0, 2});
        BatchLayout merged = seqFirst.reshape(new double[] {-1, 16}).layout();
        assertEquals("[N*6, 16]", merged.describe());
        assertArrayEquals(new double[] {6 * N, 16}, merged.onnxShape());
        BatchLayout back = merged.reshape(new double[] {6, N, 16}).layout().permuted(new int[] {1, 0, 2});
        assertTrue(back.plainable());
    }

    @Test
    void rejectsReshapesThatCutTheBatchApart() {
        BatchLayout seqFirst = BatchLayout.plain(new int[] {1, 6, 16}).permuted(new int[] {1, 0, 2});
        var e = assertThrows(IllegalArgumentException.class, () -> seqFirst.reshape(new double[] {2 * N, 48}));
        assertTrue(e.getMessage().contains("apart from it"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> seqFirst.reshape(new double[] {3, 2, 16}));
        assertTrue(e.getMessage().contains("dynamic_axes"), "a fixed-batch export names the fix: " + e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> seqFirst.reshape(new double[] {N, 5, 16}));
        assertTrue(e.getMessage().contains("values per sample"), e.getMessage());
    }

    /** A plain value's own Reshape keeps the batch alone in axis 0: the importer's Reshape handles it. */
    @Test
    void plainReshapesStayPlain() {
        BatchLayout plain = BatchLayout.plain(new int[] {1, 96});
        assertTrue(plain.reshape(new double[] {N, 6, 16}).layout().plainable());
        assertTrue(plain.reshape(new double[] {-1, 6, 16}).layout().plainable());
        assertTrue(plain.reshape(new double[] {0, 1, 96}).layout().plainable());
        assertFalse(plain.reshape(new double[] {-1}).layout().plainable(), "flattening the batch away");
    }

    /**
     * Random Transposes and Reshapes (merges, splits) of a tensor with a real batch of 2: whenever
     * the layout accepts a Reshape, the computed tensor, made canonical, equals the ONNX tensor with
     * its batch moved to the front, value for value.
     */
    @Test
    void randomTransposesAndReshapesKeepTheValues() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        int accepted = 0;
        for (int trial = 0; trial < 300; trial++) {
            int[] shape = {2, 2 + rnd.nextInt(3), 2 * (1 + rnd.nextInt(3)), 1 + rnd.nextInt(4)};
            Tensor onnx = new Tensor(shape, rnd.doubles(Tensor.count(shape)).toArray());
            Tensor computed = onnx;
            BatchLayout layout = BatchLayout.plain(withBatch(shape, 1));
            for (int step = 0; step < 6; step++) {
                int r = onnx.rank();
                if (rnd.nextBoolean()) {
                    int[] perm = shuffled(r, rnd);
                    onnx = io.geomlens.graph.Transpose.permute(onnx, perm);
                    layout = layout.permuted(perm);
                } else {
                    double[] target = randomTarget(onnx.shape(), layout, rnd);
                    BatchLayout.Reshaped next;
                    try {
                        next = layout.reshape(target);
                    } catch (IllegalArgumentException e) {
                        continue;   // a cut the layout cannot follow: the importer reports it
                    }
                    onnx = onnx.reshape(java.util.Arrays.stream(target).mapToInt(v -> v < 0 ? (int) (2 * v
                            / ShapeFolding.BATCH) : (int) v).toArray());
                    layout = next.layout();
                    computed = computed.reshape(withBatch(layout.computedShape(), 2));
                    accepted++;
                }
                assertArrayEquals(batchFirst(onnx, layout).data(), canonical(computed, layout).data(),
                        "trial " + trial + " step " + step + ": " + layout.describe());
            }
        }
        assertTrue(accepted > 200, "reshapes accepted: " + accepted);
    }

    /** Merges two neighbouring axes or splits one (the batch's axis only outside the batch's own factor). */
    private static double[] randomTarget(int[] shape, BatchLayout l, java.util.SplittableRandom rnd) {
        double[] onnx = l.onnxShape();
        java.util.List<Double> t = new java.util.ArrayList<>();
        int at = rnd.nextInt(onnx.length);
        boolean merge = onnx.length > 2 && at + 1 < onnx.length && rnd.nextBoolean();
        for (int i = 0; i < onnx.length; i++) {
            double v = onnx[i];
            if (merge && i == at) {
                double w = onnx[i + 1];
                t.add(v < 0 || w < 0 ? ShapeFolding.BATCH * (Math.abs(v / (v < 0 ? ShapeFolding.BATCH : 1))
                        * Math.abs(w / (w < 0 ? ShapeFolding.BATCH : 1))) : v * w);
                i++;
            } else if (!merge && i == at && (v < 0 ? v / ShapeFolding.BATCH : v) % 2 == 0) {
                boolean batchOuter = rnd.nextBoolean();
                double rest = (v < 0 ? v / ShapeFolding.BATCH : v) / 2;
                t.add(v < 0 && batchOuter ? ShapeFolding.BATCH * rest : v < 0 ? 2.0 : rest);
                t.add(v < 0 && !batchOuter ? ShapeFolding.BATCH * rest : v < 0 ? 2.0 : 2.0);
            } else {
                t.add(v);
            }
        }
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The ONNX tensor (batch 2 inside the batch's axis) with its batch moved to the front, canonical. */
    private static Tensor batchFirst(Tensor onnx, BatchLayout l) {
        BatchLayout c = l.canonical();
        int g = l.batchAxis();
        int[] cs = c.computedShape();
        int before = cs[g + 1];
        int after = cs[g + 2];
        int[] split = new int[onnx.rank() + 2];
        int[] perm = new int[split.length];
        for (int i = 0, o = 0; i < onnx.rank(); i++) {
            if (i == g) {
                split[o] = before;
                split[o + 1] = 2;
                split[o + 2] = after;
                o += 3;
            } else {
                split[o++] = onnx.dim(i);
            }
        }
        perm[0] = g + 1;
        for (int i = 0, o = 1; i < split.length; i++) {
            if (i != g + 1) {
                perm[o++] = i;
            }
        }
        return io.geomlens.graph.Transpose.permute(onnx.reshape(split), perm);
    }

    /** The computed tensor transposed to ONNX order and reshaped to the canonical layout, as the importer does. */
    private static Tensor canonical(Tensor computed, BatchLayout l) {
        int[] to = l.onnxOrder();
        int[] perm = new int[to.length + 1];
        for (int i = 0; i < to.length; i++) {
            for (int j = 0; j < l.order().length; j++) {
                perm[i + 1] = l.order()[j] == to[i] ? j + 1 : perm[i + 1];
            }
        }
        return io.geomlens.graph.Transpose.permute(computed, perm)
                .reshape(withBatch(l.canonical().computedShape(), 2));
    }

    private static int[] withBatch(int[] shape, int batch) {
        int[] s = shape.clone();
        s[0] = batch;
        return s;
    }

    private static int[] shuffled(int n, java.util.SplittableRandom rnd) {
        int[] p = java.util.stream.IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] sizes(BatchLayout l, int[] atoms) {
        int[] s = new int[atoms.length];
        for (int i = 0; i < atoms.length; i++) {
            s[i] = l.sizes()[atoms[i]];
        }
        return s;
    }
}
