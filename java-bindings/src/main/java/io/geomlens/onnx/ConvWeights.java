package io.geomlens.onnx;

import io.geomlens.graph.ShapeException;
import io.geomlens.graph.Tensor;

/**
 * Weight rewrites that let one dense 2-D convolution stand for ONNX's other Conv forms: grouped
 * weights expanded block-diagonally (exact; a depthwise conv then costs C times its FLOPs on the
 * GPU, which does not skip the zeros), and 1-D kernels [.., .., k] as 1 x k.
 */
final class ConvWeights {
    private ConvWeights() {}

    /** [a, b, k] -> [a, b, 1, k]: a 1-D kernel run as a 2-D one over a height-1 image. */
    static Tensor as2d(Tensor w) {
        int[] s = w.shape();
        return w.reshape(new int[] {s[0], s[1], 1, s[2]});
    }

    /**
     * Conv: [cout, cin / g, kh, kw] -> [cout, cin, kh, kw] with output channel o reading only its
     * group's inputs. ConvTranspose: [cin, cout / g, kh, kw] -> [cin, cout, kh, kw] likewise.
     */
    static Tensor ungroup(Tensor w, int groups, boolean transposed) {
        if (groups == 1) {
            return w;
        }
        int[] s = w.shape();
        int rows = s[0];             // cout (Conv) or cin (ConvTranspose)
        int perGroup = s[1];         // cin / g (Conv) or cout / g (ConvTranspose)
        if (rows % groups != 0) {
            throw new ShapeException("group=" + groups + " does not divide the " + rows + " channels of W "
                    + w + (transposed ? " (ConvTranspose)" : ""));
        }
        int kk = s[2] * s[3];
        int cols = perGroup * groups;
        double[] src = w.data();
        double[] out = new double[rows * cols * kk];
        for (int r = 0; r < rows; r++) {
            int g = r / (rows / groups);
            for (int c = 0; c < perGroup; c++) {
                System.arraycopy(src, (r * perGroup + c) * kk, out, (r * cols + g * perGroup + c) * kk, kk);
            }
        }
        return new Tensor(new int[] {rows, cols, s[2], s[3]}, out);
    }
}
