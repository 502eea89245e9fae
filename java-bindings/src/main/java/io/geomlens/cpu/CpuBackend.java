package io.geomlens.cpu;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.SignPattern;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.graph.Tensor;
import java.util.List;

/**
 * Pure-Java backend, always present and the reference for the others. Convolutions and GEMMs
 * spread over all cores (common fork-join pool); {@link Precision} picks float32 or float64.
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
        return new CpuGenerator(graph, new Interpreter(graph, precision), name());
    }

    private record CpuGenerator(Graph graph, Interpreter run, String backendName) implements Generator {
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
            return run.forward(run.input(z, n), null).data();
        }

        @Override
        public double[] jvp(double[] z, double[] v, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("tangents", v, k, latentDim(), "latent dimension E");
            return run.jvp(run.input(z, 1), run.input(v, k)).data();
        }

        @Override
        public double[] vjp(double[] z, double[] u, int k) {
            Inputs.matrix("latent", z, 1, latentDim(), "latent dimension E");
            Inputs.matrix("cotangents", u, k, outputDim(), "output dimension D");
            int[] out = graph.outputShape();
            int[] s = new int[out.length + 1];
            s[0] = k;
            System.arraycopy(out, 0, s, 1, out.length);
            return run.vjp(run.input(z, 1), new Tensor(s, u.clone())).data();
        }

        @Override
        public SignPattern preActivationSigns(double[] z, int n) {
            Inputs.matrix("latents", z, n, latentDim(), "latent dimension E");
            SignPattern signs = SignPattern.allocate(graph.layerNames(), graph.layerWidths(), n);
            run.forward(run.input(z, n), signs);
            return signs;
        }

        @Override
        public List<String> layerNames() {
            return graph.layerNames();
        }
    }
}
