package io.geomlens.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static int[] sizes(BatchLayout l, int[] atoms) {
        int[] s = new int[atoms.length];
        for (int i = 0; i < atoms.length; i++) {
            s[i] = l.sizes()[atoms[i]];
        }
        return s;
    }
}
