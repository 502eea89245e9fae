package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.stream.IntStream;

/**
 * A 2-D convolution's index map, shared by Conv (conv) and ConvTranspose (its adjoint):
 * input [cin, h, w] -> output [cout, ho, wo], kernel kh x kw, strides, begin pads, dilations,
 * channels in groups (output channel group g reads input channel group g only). Both directions
 * go through im2col and one GEMM per sample and group; samples run in parallel.
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
    public void conv(double[] x, double[] wmat, double[] out, int n) {
        int kg = groupRows();
        int cg = cout / groups;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kg * groups * hw];
            im2col(x, s * inSize(), cols);
            for (int g = 0; g < groups; g++) {
                Gemm.multiply(wmat, g * cg * kg, cols, g * kg * hw, out, s * outSize() + g * cg * hw, cg, hw, kg, false);
            }
        });
    }

    /**
     * x[n] = col2im(wmatT * g[n]): the adjoint of conv. wmatT holds each group's transposed
     * block [groupRows, cout / groups], the blocks back to back.
     */
    public void convAdjoint(double[] g, double[] wmatT, double[] x, int n) {
        int kg = groupRows();
        int cg = cout / groups;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kg * groups * hw];
            for (int q = 0; q < groups; q++) {
                Gemm.multiply(wmatT, q * kg * cg, g, s * outSize() + q * cg * hw, cols, q * kg * hw, kg, hw, cg, false);
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
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * sh - ph + i * dh;
                        int base = row + oy * wo;
                        if (iy < 0 || iy >= h) {
                            java.util.Arrays.fill(cols, base, base + wo, 0.0);
                            continue;
                        }
                        int xrow = off + (c * h + iy) * w;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * sw - pw + j * dw;
                            cols[base + ox] = ix < 0 || ix >= w ? 0.0 : x[xrow + ix];
                        }
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
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * sh - ph + i * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int xrow = off + (c * h + iy) * w;
                        int base = row + oy * wo;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * sw - pw + j * dw;
                            if (ix >= 0 && ix < w) {
                                x[xrow + ix] += cols[base + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}
