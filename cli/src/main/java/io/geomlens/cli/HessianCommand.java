package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.NonFiniteModelException;
import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import io.geomlens.metric.LayerAlignment;
import io.geomlens.metric.MetricSpectrum;
import io.geomlens.metric.MetricTensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** geomlens hessian: top eigenpairs of the pullback metric H = J^T J per latent, and statistics. */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = "Top eigenpairs of the metric H = J^T J (Lanczos on Hessian-vector products, or exact),"
                + " anisotropy, effective rank, homogeneity between latents, alignment across layers.")
final class HessianCommand implements Callable<Integer> {
    private static final int MAX_HOMOGENEITY = 64;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Mixin
    LatentSource.Options latents;

    @Option(names = "--top", defaultValue = "20", description = "Eigenpairs per latent (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--exact", description = "Form H in float64 from E JVPs and solve it exactly (small E).")
    boolean exact;

    @Option(names = "--tol", defaultValue = "1e-6", description = "Lanczos relative residual (default ${DEFAULT-VALUE}).")
    double tol;

    @Option(names = "--block", description = "HVPs per batched call: 1 = classic Lanczos, more = block Lanczos"
            + " (default: min(top, 10)).")
    Integer block;

    @Option(names = "--layers", description = "Also report the alignment of each layer's metric with the output's.")
    boolean layers;

    @Option(names = "--out", required = true,
            description = "spectra.json (everything) or spectra.npy (eigenvalues, N x top).")
    Path out;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString().toLowerCase();
        if (!name.endsWith(".json") && !name.endsWith(".npy")) {
            throw new ParameterException(spec.commandLine(), "--out '" + out + "' must end in .json or .npy");
        }
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top " + top + ": ask for at least one eigenpair");
        }
        if (!(tol > 0)) {
            throw new ParameterException(spec.commandLine(), "--tol " + tol + " must be positive (e.g. 1e-6)");
        }
        Graph graph = common.graph();
        LatentSource.Latents z = latents.load(graph.latentDim());
        int e = graph.latentDim();
        var err = spec.commandLine().getErr();
        try (Backend b = common.backend(err::println); Generator gen = b.load(graph)) {
            int perCall = Options.lanczosBlock(block, top, spec);
            MetricTensor mt = new MetricTensor(gen, tol, 0L, perCall);
            ProgressBar bar = new ProgressBar(err, z.n(), "latents");
            AtomicInteger done = new AtomicInteger();
            MetricSpectrum[] spectra = new MetricSpectrum[z.n()];
            IntStream.range(0, z.n()).parallel().forEach(i -> {
                double[] zi = Arrays.copyOfRange(z.values(), i * e, (i + 1) * e);
                try {
                    spectra[i] = exact ? mt.exact(zi, top) : mt.lanczos(zi, top);
                } catch (NonFiniteModelException nonFinite) {   // name the latent
                    throw new NonFiniteModelException("Jacobian", "at latent " + i, gen.backendName());
                }
                bar.update(done.incrementAndGet());
            });
            List<MetricSpectrum> list = List.of(spectra);
            double[][] homogeneity = z.n() > 1 && z.n() <= MAX_HOMOGENEITY ? mt.homogeneity(z.values(), z.n(), list) : null;
            List<List<LayerAlignment>> alignment = layers
                    ? MetricTensor.layerAlignment(b, graph, z.values(), z.n(), top, exact, tol, 0L) : List.of();
            double secs = bar.finish();
            Options.folder(out.getParent());
            if (name.endsWith(".npy")) {
                int m = spectra[0].count();
                double[] ev = new double[z.n() * m];
                for (int i = 0; i < z.n(); i++) {
                    System.arraycopy(spectra[i].eigenvalues(), 0, ev, i * m, m);
                }
                Npy.write(out, new int[] {z.n(), m}, ev);
            } else {
                Files.writeString(out, json(list, homogeneity, alignment, graph), StandardCharsets.UTF_8);
            }
            long unconverged = list.stream().filter(s -> !s.converged()).count();
            err.printf("geomlens: %d latents in %.2f s (%.3f s/latent) on %s, %s top-%d%s%s%n", z.n(), secs, secs / z.n(),
                    gen.backendName(), exact ? "exact" : perCall > 1 ? "block lanczos (b=" + perCall + ")" : "lanczos",
                    spectra[0].count(),
                    homogeneity == null && z.n() > MAX_HOMOGENEITY ? "; homogeneity skipped (N > " + MAX_HOMOGENEITY + ")" : "",
                    unconverged > 0 ? "; WARNING: " + unconverged + " latents did not reach --tol " + tol : "");
        }
        return 0;
    }

    private String json(List<MetricSpectrum> spectra, double[][] c, List<List<LayerAlignment>> alignment, Graph g) {
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"model\": \"").append(common.model.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append("\",\n");
        s.append("  \"method\": \"").append(exact ? "exact" : "lanczos").append("\", \"tol\": ").append(tol).append(",\n");
        s.append("  \"latents\": [\n");
        for (int i = 0; i < spectra.size(); i++) {
            MetricSpectrum m = spectra.get(i);
            s.append("    {\"eigenvalues\": ").append(nums(m.eigenvalues()))
                    .append(", \"residuals\": ").append(nums(m.residuals()))
                    .append(", \"converged\": ").append(m.converged())
                    .append(", \"iterations\": ").append(m.iterations())
                    .append(", \"anisotropy\": ").append(num(m.anisotropy()))
                    .append(", \"effective_rank\": ").append(num(m.effectiveRank()));
            if (!alignment.isEmpty()) {
                s.append(", \"layers\": [");
                List<LayerAlignment> la = alignment.get(i);
                for (int l = 0; l < la.size(); l++) {
                    LayerAlignment a = la.get(l);
                    s.append(l > 0 ? ", " : "").append("{\"layer\": \"").append(a.layer().replace("\"", "\\\""))
                            .append("\", \"overlap\": ").append(num(a.overlap()))
                            .append(", \"log_correlation\": ").append(num(a.logCorrelation()))
                            .append(", \"eigenvalues\": ").append(nums(a.spectrum().eigenvalues())).append('}');
                }
                s.append(']');
            }
            s.append('}').append(i + 1 < spectra.size() ? "," : "").append('\n');
        }
        s.append("  ]");
        if (c != null) {
            s.append(",\n  \"homogeneity\": [");
            for (int i = 0; i < c.length; i++) {
                s.append(i > 0 ? ", " : "").append(nums(c[i]));
            }
            s.append(']');
        }
        return s.append("\n}\n").toString();
    }

    private static String nums(double[] a) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            s.append(i > 0 ? ", " : "").append(num(a[i]));
        }
        return s.append(']').toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
