package io.geomlens.cpu;

import io.geomlens.Backend;
import io.geomlens.GemmPeak;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.SignPattern;
import io.geomlens.graph.Graph;
import io.geomlens.graph.GraphRunner;
import io.geomlens.graph.Precision;
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

    public CpuBackend(Precision precision) {
        this.precision = precision;
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
        return new CpuGenerator(graph, new GraphRunner<>(graph, new CpuExecutor(precision)), precision, name());
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

    private record CpuGenerator(Graph graph, GraphRunner<Tensor> run, Precision precision, String backendName)
            implements Generator {
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
            return run.forward(input(z, run.inputShape(n)), null).data();
        }

        @Override
        public double[] jvp(double[] z, double[] v, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            return run.jvp(input(z, run.inputShape(1)), input(v, run.inputShape(k))).data();
        }

        @Override
        public double[] vjp(double[] z, double[] u, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            return run.vjp(input(z, run.inputShape(1)), input(u, run.outputShape(k))).data();
        }

        @Override
        public SignPattern preActivationSigns(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            SignPattern signs = SignPattern.allocate(graph.layerNames(), graph.layerWidths(), n);
            run.forward(input(z, run.inputShape(n)), (layer, x) -> record(signs, layer, x));
            return signs;
        }

        @Override
        public List<String> layerNames() {
            return graph.layerNames();
        }

        private static void record(SignPattern signs, int layer, Tensor x) {
            int width = x.rowSize();
            double[] d = x.data();
            for (int s = 0; s < x.dim(0); s++) {
                for (int i = 0; i < width; i++) {
                    if (d[s * width + i] > 0) {
                        signs.set(s, layer, i);
                    }
                }
            }
        }
    }
}
