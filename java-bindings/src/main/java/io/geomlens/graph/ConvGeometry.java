package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.stream.IntStream;

/**
 * A 2-D convolution's index map, shared by Conv (conv) and ConvTranspose (its adjoint):
 * input [cin, h, w] -> output [cout, ho, wo], kernel kh x kw, strides, begin pads, dilations,
 * channels in groups (output channel group g reads input channel group g only). Both directions
 * go through im2col and one GEMM per sample and group ({@code float32}: a product of the float32
 * mode, see Gemm); samples run in parallel.
 */
public record ConvGeometry(int cin, int h, int w, int cout, int kh, int kw, int sh, int sw,
                           int ph, int pw, int dh, int dw, int ho, int wo, int groups) {

    public int inSize() {
        return cin * h * w;
    }

    public int outSize() {
        return cout * ho * wo;
    }

    /** Rows of one group's block of the column matrix: (cin / groups) * kh * kw. */
    public int groupRows() {
        return cin / groups * kh * kw;
    }

    /** out[n] = wmat * im2col(x[n]), per group g: rows g of wmat [cout, groupRows] times its columns. */
    public void conv(double[] x, double[] wmat, double[] out, int n, boolean float32) {
        int kg = groupRows();
        int cg = cout / groups;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kg * groups * hw];
            im2col(x, s * inSize(), cols);
            for (int g = 0; g < groups; g++) {
                Gemm.multiply(float32, wmat, g * cg * kg, cols, g * kg * hw, out, s * outSize() + g * cg * hw,
                        cg, hw, kg, false);
            }
        });
    }

    /**
     * x[n] = col2im(wmatT * g[n]): the adjoint of conv. wmatT holds each group's transposed
     * block [groupRows, cout / groups], the blocks back to back.
     */
    public void convAdjoint(double[] g, double[] wmatT, double[] x, int n, boolean float32) {
        int kg = groupRows();
        int cg = cout / groups;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kg * groups * hw];
            for (int q = 0; q < groups; q++) {
                Gemm.multiply(float32, wmatT, q * kg * cg, g, s * outSize() + q * cg * hw, cols, q * kg * hw,
                        kg, hw, cg, false);
            }
            col2im(cols, x, s * inSize());
        });
    }

    private void im2col(double[] x, int off, double[] cols) {
        int hw = ho * wo;
        for (int c = 0; c < cin; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((c * kh + i) * kw + j) * hw;
                    int shift = j * dw - pw;
                    int lo = firstColumn(shift);
                    int hi = endColumn(shift);
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * sh - ph + i * dh;
                        int base = row + oy * wo;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(cols, base, base + wo, 0.0);
                            continue;
                        }
                        int xrow = off + (c * h + iy) * w + shift;
                        java.util.Arrays.fill(cols, base, base + lo, 0.0);
                        for (int ox = lo; ox < hi; ox++) {
                            cols[base + ox] = x[xrow + ox * sw];
                        }
                        java.util.Arrays.fill(cols, base + hi, base + wo, 0.0);
                    }
                }
            }
        }
    }

    private void col2im(double[] cols, double[] x, int off) {
        int hw = ho * wo;
        java.util.Arrays.fill(x, off, off + inSize(), 0.0);
        for (int c = 0; c < cin; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int row = ((c * kh + i) * kw + j) * hw;
                    int shift = j * dw - pw;
                    int lo = firstColumn(shift);
                    int hi = endColumn(shift);
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * sh - ph + i * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int xrow = off + (c * h + iy) * w + shift;
                        int base = row + oy * wo;
                        if (sw == 1) {   // unit stride: a loop the JIT vectorizes
                            for (int ox = lo; ox < hi; ox++) {
                                x[xrow + ox] += cols[base + ox];
                            }
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                x[xrow + ox * sw] += cols[base + ox];
                            }
                        }
                    }
                }
            }
        }
    }

    /** First output column whose input column ox * sw + shift is >= 0 (at most wo). */
    private int firstColumn(int shift) {
        return shift >= 0 ? 0 : Math.min(wo, (-shift + sw - 1) / sw);
    }

    /** One past the last output column whose input column ox * sw + shift is < w (at least firstColumn). */
    private int endColumn(int shift) {
        int last = w - 1 - shift;
        return last < 0 ? firstColumn(shift) : Math.max(firstColumn(shift), Math.min(wo, last / sw + 1));
    }
}
