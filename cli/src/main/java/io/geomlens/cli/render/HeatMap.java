package io.geomlens.cli.render;

import java.awt.image.BufferedImage;

/**
 * A res x res grid of values as an image: the grid at one pixel per cell (top-left at
 * (MARGIN, MARGIN)), a vertical viridis colour bar with min/max labels on the right, a title
 * above, and white rings with a black centre at the anchor cells.
 */
public final class HeatMap {
    public static final int MARGIN = 24;
    private static final int BAR = 16;
    private static final int LABELS = 90;

    private HeatMap() {}

    public static int originX() {
        return MARGIN;
    }

    public static int originY() {
        return MARGIN;
    }

    /**
     * @param values row-major res x res (row 0 at the top)
     * @param anchors grid positions {col, row} (fractional) of the anchors
     */
    public static BufferedImage render(double[] values, int res, String title, double[][] anchors) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            lo = 0;
            hi = 1;
        }
        double span = hi > lo ? hi - lo : 1;
        int w = MARGIN + res + MARGIN + BAR + LABELS;
        int h = MARGIN + res + MARGIN;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 0xFFFFFF);
            }
        }
        for (int row = 0; row < res; row++) {
            for (int col = 0; col < res; col++) {
                double v = values[row * res + col];
                img.setRGB(MARGIN + col, MARGIN + row, Colormap.viridis(Double.isFinite(v) ? (v - lo) / span : Double.NaN));
            }
        }
        int bx = MARGIN + res + MARGIN;
        for (int row = 0; row < res; row++) {
            int rgb = Colormap.viridis(1.0 - (row + 0.5) / res);
            for (int x = 0; x < BAR; x++) {
                img.setRGB(bx + x, MARGIN + row, rgb);
            }
        }
        BitmapFont.draw(img, label(hi), bx + BAR + 4, MARGIN, 1, 0x000000);
        BitmapFont.draw(img, label(lo), bx + BAR + 4, MARGIN + res - BitmapFont.HEIGHT, 1, 0x000000);
        BitmapFont.draw(img, title, MARGIN, (MARGIN - BitmapFont.HEIGHT * 2) / 2, 2, 0x000000);
        for (double[] a : anchors) {
            mark(img, MARGIN + (int) Math.round(a[0]), MARGIN + (int) Math.round(a[1]), res);
        }
        return img;
    }

    static String label(double v) {
        return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v != 0) ? String.format("%.3e", v) : String.format("%.3f", v);
    }

    /** A ring (white, radius 3-4) around a black centre pixel, clipped to the grid. */
    private static void mark(BufferedImage img, int cx, int cy, int res) {
        for (int dy = -4; dy <= 4; dy++) {
            for (int dx = -4; dx <= 4; dx++) {
                int x = cx + dx;
                int y = cy + dy;
                if (x < MARGIN || y < MARGIN || x >= MARGIN + res || y >= MARGIN + res) {
                    continue;
                }
                double r = Math.hypot(dx, dy);
                if (r <= 1.0) {
                    img.setRGB(x, y, 0x000000);
                } else if (r >= 2.5 && r <= 4.0) {
                    img.setRGB(x, y, 0xFFFFFF);
                }
            }
        }
    }
}
