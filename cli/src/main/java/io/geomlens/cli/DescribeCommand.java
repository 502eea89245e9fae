package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.Graph;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** geomlens describe: psi, nu and delta for each latent. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Compute local scaling psi, local rank nu and local complexity delta per latent.")
final class DescribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Mixin
    LatentSource.Options latents;

    @Option(names = "--route", defaultValue = "auto",
            description = "exact (E JVPs), projected (k VJPs with a fixed W) or auto (exact when E <= k).")
    String route;

    @Option(names = "--k", defaultValue = "120", description = "Rows of the projection W (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--projection-seed", defaultValue = "0", description = "Seed of W (default ${DEFAULT-VALUE}).")
    long projectionSeed;

    @Option(names = "--rtol", defaultValue = "1e-6",
            description = "sigma_i counts as non-zero when > rtol * sigma_max (default ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--P", defaultValue = "4", description = "Cross-polytope directions for delta (default ${DEFAULT-VALUE}).")
    int polytopeP;

    @Option(names = "--r", defaultValue = "1e-2", description = "Cross-polytope radius for delta (default ${DEFAULT-VALUE}).")
    double polytopeR;

    @Option(names = "--basis-seed", defaultValue = "1", description = "Seed of the cross-polytope basis B (default ${DEFAULT-VALUE}).")
    long basisSeed;

    @Option(names = "--no-delta", description = "Skip local complexity.")
    boolean noDelta;

    @Option(names = "--out", defaultValue = "-",
            description = "result.csv, result.json or result.npy; '-' prints CSV (default).")
    String out;

    @Override
    public Integer call() throws Exception {
        DescriptorOptions options = validate();
        Graph graph = common.graph();
        LatentSource.Latents z = latents.load(graph.latentDim());
        try (Backend b = common.backend(spec.commandLine().getErr()::println);
             Generator gen = b.load(graph)) {
            Descriptors d = new Descriptors(gen, options);
            ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), z.n(), "latents");
            DescriptorBatch result = d.describe(z.values(), z.n(), bar::update);
            double secs = bar.finish();
            ResultWriter.write(out, common.model.toString(), result, spec.commandLine().getOut());
            spec.commandLine().getErr().printf("geomlens: %d latents in %.2f s (%.1f latents/s) on %s, route %s%s; %s%n",
                    z.n(), secs, z.n() / secs, gen.backendName(), result.route().name().toLowerCase(),
                    result.k() > 0 ? " k=" + result.k() : "", Descriptors.summary(result).get(0));
        }
        return 0;
    }

    /** All option checks in one place, each saying how to fix it. */
    private DescriptorOptions validate() {
        Route r = Options.route(route, spec);
        if (!out.equals("-") && ResultWriter.format(out) == null) {
            throw new ParameterException(spec.commandLine(), "--out '" + out + "' must end in .csv, .json or .npy (or be '-')");
        }
        try {
            return new DescriptorOptions(r, k, projectionSeed, rtol, !noDelta, polytopeP, polytopeR, basisSeed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
