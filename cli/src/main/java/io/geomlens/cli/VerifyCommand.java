package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.Inputs;
import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * geomlens verify: does the ONNX file compute what the original model computes? G(z) against
 * outputs the user saved from PyTorch for the same latents. Everything geomlens reports is about
 * the exported graph, so an exporter bug (Debian's torch 1.13 exports Conv2d(padding_mode="circular")
 * with the wrong rows), a model exported in train() mode or a different output would otherwise go unseen.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that the ONNX model computes what the original does: G(z) for --latents against"
                + " --expect, outputs saved from PyTorch for the same latents (model(z)), within atol + rtol * |ref|.")
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Option(names = "--latents", required = true, description = "Latents as .npy, shape (N, E) (or (N, E, 1, 1)).")
    Path latents;

    @Option(names = "--expect", required = true,
            description = "The original model's outputs for those latents as .npy, shape (N, ...), D values"
                    + " per row.")
    Path expect;

    @Option(names = "--atol", defaultValue = "1e-4", description = "Absolute tolerance (default ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--rtol", defaultValue = "1e-4", description = "Relative tolerance (default ${DEFAULT-VALUE}).")
    double rtol;

    @Override
    public Integer call() throws Exception {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("--atol " + atol + " and --rtol " + rtol + " must be >= 0");
        }
        Graph graph = common.graph();
        LatentSource.Latents z = LatentSource.read(latents, graph.latentDim());
        Npy.Array ref = Npy.read(expect);
        int d = graph.outputDim();
        if (ref.rows() != z.n() || ref.rowWidth() != d) {
            throw new IllegalArgumentException(expect + " has shape " + Arrays.toString(ref.shape()) + "; expected "
                    + z.n() + " rows (one per latent) of D = " + d + " values (output shape "
                    + Arrays.toString(graph.outputShape()) + ")");
        }
        Inputs.matrix(expect.toString(), ref.data(), z.n(), d, "output dimension D");
        double[] got;
        String backend;
        try (Backend b = common.backend(spec.commandLine().getErr()::println);
             Generator gen = b.load(graph)) {
            got = gen.forward(z.values(), z.n());
            backend = gen.backendName();
        }
        int worst = 0;
        double worstRatio = -1;
        double maxError = 0;
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - ref.data()[i]);
            double ratio = err / (atol + rtol * Math.abs(ref.data()[i]));
            maxError = Math.max(maxError, err);
            if (!(ratio <= worstRatio)) {   // NaN in G(z) counts as the worst
                worstRatio = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                worst = i;
            }
        }
        boolean ok = worstRatio <= 1;
        var out = spec.commandLine().getOut();
        out.printf("%d latents x %d outputs on %s: max |error| %.3g; worst at latent %d, output %d: %.8g vs %.8g"
                        + " (%.3g x the tolerance %.1e + %.1e |ref|)%n", z.n(), d, backend, maxError, worst / d,
                worst % d, got[worst], ref.data()[worst], worstRatio, atol, rtol);
        if (!ok) {
            spec.commandLine().getErr().println("error: the ONNX model does not compute the expected outputs. Common"
                    + " causes: the model was exported in train() mode (call model.eval() first), --expect was saved"
                    + " from another model, latents or output, or the exporter wrote a different function (Debian's"
                    + " torch 1.13 did so for Conv2d(padding_mode='circular')). geomlens measures the ONNX graph.");
            return 1;
        }
        out.println("verify: OK");
        return 0;
    }
}
