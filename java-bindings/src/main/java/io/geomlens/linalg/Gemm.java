package io.geomlens.linalg;

import java.util.stream.IntStream;

/**
 * Row-major GEMM on double arrays, C[m,n] (+)= A[m,k] * B[k,n], in double arithmetic (each element
 * one fused multiply-add chain) on the Vector API kernel when the JVM resolves
 * jdk.incubator.vector (--add-modules jdk.incubator.vector; bin/geomlens passes it), otherwise on
 * the scalar one, which gives the same bits. {@code -Dgeomlens.cpuGemm} picks:
 * <ul>
 * <li>{@code auto} (default): as above; the CPU backend stays the double-accumulating reference;</li>
 * <li>{@code scalar}: the scalar kernel;</li>
 * <li>{@code float32}: as auto, but the float32 mode's products (operands stored as float32) run in
 *     float32 arithmetic, as a GPU's SGEMM does: twice the SIMD lanes, float32's rounding (see
 *     FloatGemmKernel). Faster on GEMM-bound models; results then differ from the default by
 *     float32 rounding.</li>
 * </ul>
 * Large products split across cores, by columns when C is wide and the kernel prefers it,
 * otherwise by rows.
 */
public final class Gemm {
    private static final long PARALLEL_FLOPS = 1L << 18;
    /** Column blocks stay multiples of the widest tile (2 x 512-bit vectors of doubles). */
    private static final int COLUMN_ALIGN = 16;
    /** Rows from which a float32-mode product may run in float32 arithmetic (see multiply). */
    static final int FLOAT_MIN_ROWS = 4;
    /**
     * The kernels chosen, or null with CHOICE_ERROR set: a bad property then fails each product
     * with an IllegalArgumentException saying what to write (the CLI's one "error:" line), not
     * this class's initialization (an Error and a stack trace).
     */
    private static final Kernels KERNELS;
    private static final String CHOICE_ERROR;

    static {
        Kernels chosen = null;
        String error = null;
        try {
            chosen = Kernels.of(System.getProperty("geomlens.cpuGemm", "auto"),
                    ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        KERNELS = chosen;
        CHOICE_ERROR = error;
    }

    private Gemm() {}

    /** What is wrong with -Dgeomlens.cpuGemm, or null: for a caller to say so before any work. */
    public static String choiceError() {
        return CHOICE_ERROR;
    }

    private static Kernels kernels() {
        if (KERNELS == null) {
            throw new IllegalArgumentException(CHOICE_ERROR);
        }
        return KERNELS;
    }

    /** The kernels chosen: for double arithmetic, and for the float32 mode's products. */
    record Kernels(GemmKernel float64, GemmKernel float32) {
        static Kernels of(String wanted, boolean vectorApi) {
            GemmKernel doubles = vectorApi ? new VectorGemmKernel() : new ScalarGemmKernel();
            return switch (wanted) {
                case "auto" -> new Kernels(doubles, doubles);
                case "scalar" -> new Kernels(new ScalarGemmKernel(), new ScalarGemmKernel());
                case "float32" -> new Kernels(doubles, vectorApi ? new FloatGemmKernel() : new ScalarFloatGemmKernel());
                default -> throw new IllegalArgumentException("-Dgeomlens.cpuGemm=" + wanted
                        + " is not a CPU GEMM choice: use auto (the default), scalar or float32");
            };
        }
    }

    /** The kernel that runs products in double arithmetic, or the float32 mode's (geomlens bench prints it). */
    public static String kernelName(boolean float32) {
        return (float32 ? kernels().float32() : kernels().float64()).name();
    }

    /** The product in double arithmetic. */
    public static void multiply(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                                int m, int n, int k, boolean accumulate) {
        multiply(kernels().float64(), a, aOff, b, bOff, c, cOff, m, n, k, accumulate);
    }

    /**
     * A product of the float32 mode when {@code float32}: on the float32 kernel chosen
     * ({@code -Dgeomlens.cpuGemm=float32}; by default the double one). Products of fewer than
     * {@link #FLOAT_MIN_ROWS} rows (matrix-vector products) stay in double: converting B to
     * float32 would cost more than the float lanes save.
     */
    public static void multiply(boolean float32, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                                int m, int n, int k, boolean accumulate) {
        multiply(float32 && m >= FLOAT_MIN_ROWS ? kernels().float32() : kernels().float64(), a, aOff, b, bOff, c, cOff,
                m, n, k, accumulate);
    }

    static void multiply(GemmKernel kernel, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                         int m, int n, int k, boolean accumulate) {
        boolean byColumns = n >= m && kernel.splitsColumns();
        int tasks = Math.min(4 * Runtime.getRuntime().availableProcessors(),
                byColumns ? (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN : m);
        if ((long) m * n * k < PARALLEL_FLOPS || tasks < 2) {
            kernel.block(a, aOff, b, bOff, c, cOff, n, k, 0, m, 0, n, accumulate);
        } else if (byColumns) {
            int units = (n + COLUMN_ALIGN - 1) / COLUMN_ALIGN;
            IntStream.range(0, tasks).parallel().forEach(t -> kernel.block(a, aOff, b, bOff, c, cOff, n, k, 0, m,
                    Math.min(n, share(units, t, tasks) * COLUMN_ALIGN),
                    Math.min(n, share(units, t + 1, tasks) * COLUMN_ALIGN), accumulate));
        } else {
            GemmKernel.RowBlocks blocks = kernel.byRows(a, aOff, b, bOff, c, cOff, n, k, accumulate);
            IntStream.range(0, tasks).parallel().forEach(t -> blocks.rows(share(m, t, tasks), share(m, t + 1, tasks)));
        }
    }

    /** Start of part t when `total` units are split into `parts` nearly equal parts. */
    private static int share(int total, int t, int parts) {
        return (int) ((long) total * t / parts);
    }

    /** Transpose of a row-major rows x cols matrix. */
    public static double[] transpose(double[] a, int rows, int cols) {
        double[] t = new double[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
