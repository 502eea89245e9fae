package io.geomlens.cli.render;

/** Perceptually uniform viridis, linearly interpolated between 9 reference colours. */
public final class Colormap {
    private static final int[][] VIRIDIS = {
        {68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142}, {33, 144, 141},
        {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};

    private Colormap() {}

    /** RGB (0xRRGGBB) of t in [0, 1] (clamped); NaN maps to mid grey. */
    public static int viridis(double t) {
        if (Double.isNaN(t)) {
            return 0x808080;
        }
        double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min((int) x, VIRIDIS.length - 2);
        double f = x - i;
        int r = (int) Math.round(VIRIDIS[i][0] + f * (VIRIDIS[i + 1][0] - VIRIDIS[i][0]));
        int g = (int) Math.round(VIRIDIS[i][1] + f * (VIRIDIS[i + 1][1] - VIRIDIS[i][1]));
        int b = (int) Math.round(VIRIDIS[i][2] + f * (VIRIDIS[i + 1][2] - VIRIDIS[i][2]));
        return r << 16 | g << 8 | b;
    }
}
