package io.geomlens.linalg;

import java.util.stream.IntStream;

/**
 * Row-major double GEMM, C[m,n] (+)= A[m,k] * B[k,n], on the Vector API kernel when the JVM
 * resolves jdk.incubator.vector (--add-modules jdk.incubator.vector; bin/geomlens passes it),
 * otherwise on the scalar one; {@code -Dgeomlens.cpuGemm=scalar} forces the latter. Both give
 * the same bits (see GemmKernel). Large products split across cores, by columns when C is wide
 * and the kernel prefers it, otherwise by rows.
 */
public final class Gemm {
    private static final long PARALLEL_FLOPS = 1L << 18;
    /** Column blocks stay multiples of the widest tile (2 x 512-bit vectors of doubles). */
    private static final int COLUMN_ALIGN = 16;
    private static final GemmKernel KERNEL = choose();

    private Gemm() {}

    /** Which kernel the CPU backend runs (geomlens bench prints it). */
    public static String kernelName() {
        return KERNEL.name();
    }

    public static void multiply(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff,
                                int m, int n, int k, boolean accumulate) {
        multiply(KERNEL, a, aOff, b, bOff, c, cOff, m, n, k, accumulate);
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
            IntStream.range(0, tasks).parallel().forEach(t -> kernel.block(a, aOff, b, bOff, c, cOff, n, k,
                    share(m, t, tasks), share(m, t + 1, tasks), 0, n, accumulate));
        }
    }

    /** Start of part t when `total` units are split into `parts` nearly equal parts. */
    private static int share(int total, int t, int parts) {
        return (int) ((long) total * t / parts);
    }

    private static GemmKernel choose() {
        boolean vectorApi = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String wanted = System.getProperty("geomlens.cpuGemm", "auto");
        return switch (wanted) {
            case "auto" -> vectorApi ? new VectorGemmKernel() : new ScalarGemmKernel();
            case "scalar" -> new ScalarGemmKernel();
            default -> throw new IllegalArgumentException("-Dgeomlens.cpuGemm=" + wanted
                    + " is not a CPU GEMM kernel: use auto (the default) or scalar");
        };
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
