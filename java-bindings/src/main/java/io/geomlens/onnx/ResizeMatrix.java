package io.geomlens.onnx;

/**
 * ONNX Resize along one axis as the linear map it is: the (out x in) matrix R with y = R x, for
 * modes nearest, linear and cubic and the coordinate transforms torch exports. Any size ratio.
 * Numbers as ONNX Runtime computes them: linear clamps the source coordinate into the input;
 * cubic reads its four taps with indices clamped to the edge, or drops outside taps and
 * renormalizes (exclude_outside); downscaling with antialias widens the filter (antialiasedRow).
 */
record ResizeMatrix(int in, int out, double[] r) {
    /** The settings of one Resize node; scale is the given scale, or out / in when sizes were given. */
    record Settings(String mode, String coordinates, String nearestMode, double cubicA, boolean excludeOutside,
                    boolean antialias) {}

    static ResizeMatrix of(int in, int out, double scale, Settings s) {
        double[] r = new double[out * in];
        if (s.antialias() && scale < 1 && !s.mode().equals("nearest")) {
            for (int o = 0; o < out; o++) {
                antialiasedRow(r, o, in, out, scale, s);
            }
            return new ResizeMatrix(in, out, r);
        }
        for (int o = 0; o < out; o++) {
            double x = s.mode().equals("nearest") ? sourceAsFloat(o, in, out, scale, s.coordinates())
                    : source(o, in, out, scale, s.coordinates());
            switch (s.mode()) {
                case "nearest" -> r[o * in + clamp(nearest(x, s.nearestMode()), in)] = 1;
                case "linear" -> {
                    double c = Math.min(Math.max(x, 0), in - 1);
                    int x0 = (int) Math.floor(c);
                    int x1 = Math.min(x0 + 1, in - 1);
                    double t = c - x0;
                    r[o * in + x0] += 1 - t;
                    r[o * in + x1] += t;
                }
                case "cubic" -> cubicRow(r, o, in, x, s.cubicA(), s.excludeOutside());
                default -> throw new IllegalArgumentException("mode='" + s.mode()
                        + "' is not supported; nearest, linear or cubic");
            }
        }
        return new ResizeMatrix(in, out, r);
    }

    /** The source coordinate of output index o (ONNX's coordinate_transformation_mode). */
    private static double source(int o, int in, int out, double scale, String mode) {
        return switch (mode) {
            case "half_pixel" -> (o + 0.5) / scale - 0.5;
            case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> out == 1 ? 0 : o * (in - 1.0) / (out - 1.0);
            case "asymmetric" -> o / scale;
            case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
            default -> sourceAsFloat(o, in, out, scale, mode);   // names the unsupported mode
        };
    }

    /**
     * The same in float32, as ONNX Runtime computes it: nearest's rounding of an exact .5 depends on
     * it (a 1e-7 shift of linear and cubic weights does not, so those use the exact coordinate).
     */
    private static double sourceAsFloat(int o, int in, int out, double scale, String mode) {
        float x = o;
        float s = (float) scale;
        return switch (mode) {
            case "half_pixel" -> (x + 0.5f) / s - 0.5f;
            case "pytorch_half_pixel" -> out > 1 ? (x + 0.5f) / s - 0.5f : 0;
            case "align_corners" -> out == 1 ? 0 : x * (in - 1) / (float) (out - 1);
            case "asymmetric" -> x / s;
            case "tf_half_pixel_for_nn" -> (x + 0.5f) / s;
            default -> throw new IllegalArgumentException("coordinate_transformation_mode='" + mode + "' is not "
                    + "supported; half_pixel, pytorch_half_pixel, align_corners, asymmetric or tf_half_pixel_for_nn");
        };
    }

    private static int nearest(double x, String mode) {
        return switch (mode) {
            case "round_prefer_floor" -> (int) Math.ceil(x - 0.5);
            case "round_prefer_ceil" -> (int) Math.floor(x + 0.5);
            case "floor" -> (int) Math.floor(x);
            case "ceil" -> (int) Math.ceil(x);
            default -> throw new IllegalArgumentException("nearest_mode='" + mode + "' is not supported; "
                    + "round_prefer_floor, round_prefer_ceil, floor or ceil");
        };
    }

    private static void cubicRow(double[] r, int o, int in, double x, double a, boolean exclude) {
        int x0 = (int) Math.floor(x);
        double t = x - x0;
        double[] w = {cubic(t + 1, a), cubic(t, a), cubic(1 - t, a), cubic(2 - t, a)};
        double kept = 0;
        for (int k = 0; k < 4; k++) {
            int i = x0 - 1 + k;
            if (exclude && (i < 0 || i >= in)) {
                w[k] = 0;
            }
            kept += w[k];
        }
        for (int k = 0; k < 4; k++) {
            r[o * in + clamp(x0 - 1 + k, in)] += exclude ? w[k] / kept : w[k];
        }
    }

    /**
     * Downscaling with antialias=1 (Pillow's resampling, as ONNX Runtime and torch's antialias=True
     * compute it): the linear or cubic filter stretched by 1 / scale, so every input cell under the
     * output's footprint contributes; taps outside the input are dropped (exclude_outside) or given to
     * the edge cell; the weights normalized to sum 1.
     */
    private static void antialiasedRow(double[] r, int o, int in, int out, double scale, Settings s) {
        boolean linear = s.mode().equals("linear");
        double support = (linear ? 1 : 2) / scale;
        double center = 0.5 + source(o, in, out, scale, s.coordinates());
        int lo = (int) Math.floor(center - support + 0.5);
        int hi = (int) Math.floor(center + support + 0.5);
        if (s.excludeOutside()) {
            lo = Math.max(lo, 0);
            hi = Math.min(hi, in);
        }
        double total = 0;
        double[] w = new double[hi - lo];
        for (int i = lo; i < hi; i++) {
            double t = Math.abs((i - center + 0.5) * scale);
            w[i - lo] = linear ? Math.max(0, 1 - t) : cubic(t, s.cubicA());
            total += w[i - lo];
        }
        for (int i = lo; i < hi; i++) {
            r[o * in + clamp(i, in)] += total == 0 ? w[i - lo] : w[i - lo] / total;
        }
    }

    /** Keys' cubic convolution kernel with parameter a (torch: -0.75). */
    /** Keys' cubic convolution kernel with coefficient a (also GridSample's bicubic taps). */
    static double cubic(double s, double a) {
        s = Math.abs(s);
        if (s <= 1) {
            return ((a + 2) * s - (a + 3)) * s * s + 1;
        }
        return s < 2 ? ((a * s - 5 * a) * s + 8 * a) * s - 4 * a : 0;
    }

    private static int clamp(int i, int in) {
        return Math.min(Math.max(i, 0), in - 1);
    }

    /** True when the map copies each input cell to `factor` consecutive outputs (nearest upsampling). */
    boolean replicates(int factor) {
        if (out != in * factor) {
            return false;
        }
        for (int o = 0; o < out; o++) {
            if (r[o * in + o / factor] != 1) {
                return false;
            }
        }
        return true;
    }

    /** R^T as Dense weights [in, out]. */
    double[] denseWeights() {
        double[] w = new double[in * out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[i * out + o] = r[o * in + i];
            }
        }
        return w;
    }
}
