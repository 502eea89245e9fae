package io.geomlens.graph;

import io.geomlens.linalg.Gemm;
import java.util.stream.IntStream;

/**
 * A 2-D convolution's index map, shared by Conv (conv) and ConvTranspose (its adjoint):
 * input [cin, h, w] -> output [cout, ho, wo], kernel kh x kw, strides, begin pads, dilations.
 * Both directions go through im2col and one GEMM per sample; samples run in parallel.
 */
public record ConvGeometry(int cin, int h, int w, int cout, int kh, int kw, int sh, int sw,
                           int ph, int pw, int dh, int dw, int ho, int wo) {

    public int inSize() {
        return cin * h * w;
    }

    public int outSize() {
        return cout * ho * wo;
    }

    /** out[n] = wmat[cout, cin*kh*kw] * im2col(x[n]). */
    public void conv(double[] x, double[] wmat, double[] out, int n) {
        int kk = cin * kh * kw;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kk * hw];
            im2col(x, s * inSize(), cols);
            Gemm.multiply(wmat, 0, cols, 0, out, s * outSize(), cout, hw, kk, false);
        });
    }

    /** x[n] = col2im(wmatT[cin*kh*kw, cout] * g[n]): the adjoint of conv. */
    public void convAdjoint(double[] g, double[] wmatT, double[] x, int n) {
        int kk = cin * kh * kw;
        int hw = ho * wo;
        IntStream.range(0, n).parallel().forEach(s -> {
            double[] cols = new double[kk * hw];
            Gemm.multiply(wmatT, 0, g, s * outSize(), cols, 0, kk, hw, cout, false);
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
