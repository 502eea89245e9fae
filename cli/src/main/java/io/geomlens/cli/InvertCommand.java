package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import io.geomlens.metric.LatentInverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** geomlens invert: find a latent whose output matches a target (Hessian-aware Adam). */
@Command(name = "invert", mixinStandardHelpOptions = true,
        description = "Find z with G(z) close to a target: Adam on ||G(z) - x||^2 / D in the eigenbasis of the metric"
                + " averaged over random latents (--basis eigen, default) or in the latent axes (--basis plain).")
final class InvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Option(names = "--target", required = true, description = "Target output as .npy with D values (any shape).")
    Path target;

    @Option(names = "--start", description = "Start latent as .npy with E values (default: zeros).")
    Path start;

    @Option(names = "--steps", defaultValue = "500", description = "Adam steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "0.05", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--basis", defaultValue = "eigen", description = "eigen or plain (default ${DEFAULT-VALUE}).")
    String basis;

    @Option(names = "--samples", defaultValue = "16",
            description = "Latents averaged for the metric's eigenbasis (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of those latents (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "The latent found, as .npy (1 x E).")
    Path out;

    @Option(names = "--losses", description = "Also write the loss after every step as CSV.")
    Path losses;

    @Override
    public Integer call() throws Exception {
        if (!basis.equals("eigen") && !basis.equals("plain")) {
            throw new ParameterException(spec.commandLine(), "--basis '" + basis + "' is not eigen or plain");
        }
        if (steps < 1 || !(lr > 0) || samples < 1) {
            throw new ParameterException(spec.commandLine(), "--steps, --lr and --samples must be positive");
        }
        Graph graph = common.graph();
        Npy.Array x = Npy.read(target);
        if (x.data().length != graph.outputDim()) {
            throw new IllegalArgumentException(target + " holds " + x.data().length + " values; the model outputs D = "
                    + graph.outputDim() + " " + java.util.Arrays.toString(graph.outputShape()));
        }
        double[] z0 = new double[graph.latentDim()];
        if (start != null) {
            Npy.Array s = Npy.read(start);
            if (s.data().length != z0.length) {
                throw new IllegalArgumentException(start + " holds " + s.data().length + " values; E = " + z0.length);
            }
            z0 = s.data();
        }
        var err = spec.commandLine().getErr();
        try (Backend b = common.backend(err::println); Generator gen = b.load(graph)) {
            LatentInverter inv = basis.equals("eigen") ? LatentInverter.eigenbasis(gen, samples, seed)
                    : LatentInverter.plain(gen);
            ProgressBar bar = new ProgressBar(err, steps, "steps");
            LatentInverter.Inversion r = inv.invert(x.data(), z0, steps, lr, bar::update);
            double secs = bar.finish();
            Options.folder(out.getParent());
            Npy.write(out, new int[] {1, z0.length}, r.z());
            if (losses != null) {
                StringBuilder s = new StringBuilder("step,loss\n");
                for (int i = 0; i < r.losses().length; i++) {
                    s.append(i).append(',').append(r.losses()[i]).append('\n');
                }
                Files.writeString(losses, s.toString(), StandardCharsets.UTF_8);
            }
            err.printf("geomlens: %d steps in %.2f s (%s basis): loss %.6g -> %.6g; wrote %s%n", steps, secs, basis,
                    r.losses()[0], r.finalLoss(), out);
        }
        return 0;
    }
}
