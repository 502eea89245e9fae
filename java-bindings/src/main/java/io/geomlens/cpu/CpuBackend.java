package io.geomlens.cpu;

import io.geomlens.Backend;
import io.geomlens.GemmPeak;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.SignPattern;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.Precision;
import io.geomlens.graph.RowChunks;
import io.geomlens.graph.RowFootprint;
import io.geomlens.graph.Tensor;
import io.geomlens.linalg.Gemm;
import java.util.List;

/**
 * Pure-Java backend, always present and the reference for the others. Convolutions and GEMMs
 * spread over all cores (common fork-join pool); {@link Precision} picks float32 storage (ops
 * compute in double, values between ops are float32; with -Dgeomlens.cpuGemm=float32 its GEMMs
 * run in float32 arithmetic, see Gemm) or float64 throughout.
 */
public final class CpuBackend implements Backend {
    private final Precision precision;
    private final long callBudget;

    public CpuBackend(Precision precision) {
        this(precision, Runtime.getRuntime().maxMemory() / (4L * Runtime.getRuntime().availableProcessors()));
    }

    /**
     * callBudget: heap bytes one call's rows may hold (default a quarter of the heap shared by
     * as many calls as there are cores, which is how many Descriptors and Lanczos run at once);
     * calls with more rows run in chunks of rows that fit.
     */
    CpuBackend(Precision precision, long callBudget) {
        this.precision = precision;
        this.callBudget = callBudget;
    }

    public CpuBackend() {
        this(Precision.FLOAT32);
    }

    @Override
    public String name() {
        return "cpu (" + precision.name().toLowerCase() + ")";
    }

    @Override
    public Generator load(Graph graph) {
        long perRow = RowFootprint.of(graph).bytes(precision == Precision.FLOAT32 ? Float.BYTES : Double.BYTES);
        int rows = (int) Math.clamp(callBudget / Math.max(1, perRow), 1, Integer.MAX_VALUE);
        return new CpuGenerator(graph, new GraphRunner<>(graph, new CpuExecutor(precision)), precision, name(), rows);
    }

    /** The multithreaded GEMM the ops use in this precision, 768^3 with dense random operands (no zeros to skip). */
    @Override
    public GemmPeak measureGemmPeak() {
        int n = 768;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(0);
        double[] a = rnd.doubles((long) n * n).toArray();
        double[] b = rnd.doubles((long) n * n).toArray();
        double[] c = new double[n * n];
        boolean float32 = precision == Precision.FLOAT32;
        return GemmPeak.time(n, 3, () -> Gemm.multiply(float32, a, 0, b, 0, c, 0, n, n, n, false));
    }

    @Override
    public String gemmKernel() {
        return Gemm.kernelName(precision == Precision.FLOAT32);
    }

    /** rowsPerCall: latents, tangents or cotangents one walk over the graph takes (the rest in further walks). */
    private record CpuGenerator(Graph graph, GraphRunner<Tensor> run, Precision precision, String backendName,
                                int rowsPerCall) implements Generator {
        private Tensor input(double[] values, int[] shape) {
            return precision.store(new Tensor(shape, values.clone()));
        }

        @Override
        public int latentDim() {
            return graph.latentDim();
        }

        @Override
        public int outputDim() {
            return graph.outputDim();
        }

        @Override
        public double[] forward(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            return RowChunks.map(z, n, latentDim(), outputDim(), rowsPerCall,
                    (part, m) -> run.forward(input(part, run.inputShape(m)), null).data());
        }

        @Override
        public double[] jvp(double[] z, double[] v, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            Tensor primal = input(z, run.inputShape(1));
            return RowChunks.map(v, k, latentDim(), outputDim(), rowsPerCall,
                    (part, m) -> run.jvp(primal, input(part, run.inputShape(m))).data());
        }

        @Override
        public double[] vjp(double[] z, double[] u, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            Tensor primal = input(z, run.inputShape(1));
            return RowChunks.map(u, k, outputDim(), latentDim(), rowsPerCall,
                    (part, m) -> run.vjp(primal, input(part, run.outputShape(m))).data());
        }

        @Override
        public SignPattern preActivationSigns(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            SignPattern signs = SignPattern.allocate(graph.layerNames(), graph.layerWidths(), n);
            RowChunks.forEach(z, n, latentDim(), rowsPerCall, (part, first, m) ->
                    run.forward(input(part, run.inputShape(m)), (layer, x) -> record(signs, first, layer, x)));
            return signs;
        }

        @Override
        public List<String> layerNames() {
            return graph.layerNames();
        }

        private static void record(SignPattern signs, int first, int layer, Tensor x) {
            int width = x.rowSize();
            double[] d = x.data();
            for (int s = 0; s < x.dim(0); s++) {
                for (int i = 0; i < width; i++) {
                    if (d[s * width + i] > 0) {
                        signs.set(first + s, layer, i);
                    }
                }
            }
        }
    }
}
