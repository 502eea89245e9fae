package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.GemmPeak;
import io.geomlens.Generator;
import io.geomlens.SignPattern;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.FlopCount;
import io.geomlens.graph.Graph;
import io.geomlens.linalg.Orthonormal;
import io.geomlens.metric.MetricTensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * geomlens bench: the core operations on the user's model, timed on the chosen backend. Each
 * operation runs once to warm up, then repeatedly for --seconds; the median run is reported.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time forward, JVP, VJP, psi/nu (exact and projected), delta and Lanczos on your model.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Option(names = "--batch", defaultValue = "64", description = "Latents per timed run (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--k", defaultValue = "120", description = "Projection rows (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--top", defaultValue = "20", description = "Lanczos eigenpairs (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--block", description = "HVPs per Lanczos call (default: min(top, 10)).")
    Integer block;

    @Option(names = "--seconds", defaultValue = "2", description = "Time per operation (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--only", split = ",",
            description = "Subset of forward,jvp,vjp,exact,projected,delta,lanczos (default: all).")
    List<String> only;

    @Option(names = "--json", description = "Also write the results as JSON here.")
    Path json;

    @Option(names = "--profile", description = "After each timing, one more run with every step timed: "
            + "where the time goes, by op type and phase (forward, jvp, vjp), psi/nu's Gram + eigen-solver or "
            + "SVD, and what is left outside those steps.")
    boolean profile;

    /** One operation to time: its label, unit, items per run, the run itself and FLOPs per item. */
    private record Bench(String op, String unit, int items, Runnable body, double flopsPerItem) {}

    /** flopsPerItem: FlopCount's operations per latent (or per tangent), NaN where not counted (Lanczos). */
    record Result(String op, String unit, double perSecond, double medianSeconds, int runs, int itemsPerRun,
                  double flopsPerItem) {
        Result withFlops(double f) {
            return new Result(op, unit, perSecond, medianSeconds, runs, itemsPerRun, f);
        }

        double flopsPerSecond() {
            return flopsPerItem * perSecond;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || k < 1 || top < 1 || !(seconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--batch, --k, --top and --seconds must be positive");
        }
        List<String> ops = only != null ? only : List.of("forward", "jvp", "vjp", "exact", "projected", "delta", "lanczos");
        for (String op : ops) {
            if (!List.of("forward", "jvp", "vjp", "exact", "projected", "delta", "lanczos").contains(op)) {
                throw new ParameterException(spec.commandLine(), "--only '" + op + "' is not a benchmark name");
            }
        }
        Graph graph = common.graph();
        int e = graph.latentDim();
        int d = graph.outputDim();
        SplittableRandom rnd = new SplittableRandom(1);
        double[] z = new double[batch * e];
        for (int i = 0; i < z.length; i++) {
            z[i] = rnd.nextGaussian();
        }
        double[] z1 = Arrays.copyOf(z, e);
        var err = spec.commandLine().getErr();
        var outw = spec.commandLine().getOut();
        List<Result> results = new ArrayList<>();
        String backendName;
        String gemmKernel;
        GemmPeak peak = null;
        try (Backend b = common.backend(err::println); Generator gen = b.load(graph)) {
            backendName = gen.backendName();
            gemmKernel = b.gemmKernel();
            outw.printf("geomlens bench: %s (E=%d, D=%d) on %s, GEMM: %s, batch %d%n", common.model, e, d,
                    backendName, gemmKernel, batch);
            for (String op : ops) {
                Bench bench = switch (op) {
                    case "forward" -> new Bench(op, "latents/s", batch, () -> gen.forward(z, batch),
                            FlopCount.forward(graph));
                    case "jvp" -> {
                        double[] eye = identity(e);
                        yield new Bench(op, "JVPs/s", e, () -> gen.jvp(z1, eye, e), FlopCount.tangent(graph));
                    }
                    case "vjp" -> {
                        int kk = Math.min(k, d);
                        double[] w = Orthonormal.rows(kk, d, 0);
                        yield new Bench(op, "VJPs/s", kk, () -> gen.vjp(z1, w, kk), FlopCount.tangent(graph));
                    }
                    case "exact" -> {
                        Descriptors ds = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.EXACT)
                                .withComplexity(false));
                        yield new Bench("psi/nu exact", "latents/s", batch, () -> ds.describe(z, batch),
                                FlopCount.psiNu(graph, true, 0));
                    }
                    case "projected" -> {
                        int kk = Math.min(k, d);
                        Descriptors ds = new Descriptors(gen, DescriptorOptions.DEFAULTS.withRoute(Route.PROJECTED)
                                .withK(kk).withComplexity(false));
                        yield new Bench("psi/nu projected k=" + kk, "latents/s", batch, () -> ds.describe(z, batch),
                                FlopCount.psiNu(graph, false, kk));
                    }
                    case "delta" -> {
                        int p = Math.min(4, e);
                        double[] v = vertices(z, batch, e, Orthonormal.rows(p, e, 1L), p, 1e-2);
                        yield new Bench("delta P=" + p, "latents/s", batch, () -> {
                            SignPattern s = gen.preActivationSigns(v, 2 * p * batch);
                            for (int i = 0; i < batch; i++) {
                                s.changedPerLayer(i * 2 * p, 2 * p);
                            }
                        }, 2.0 * p * FlopCount.forward(graph));
                    }
                    default -> {
                        int perCall = Options.lanczosBlock(block, top, spec);
                        MetricTensor mt = new MetricTensor(gen, 1e-6, 0L, perCall);
                        yield new Bench("lanczos top-" + Math.min(top, e) + (perCall > 1 ? " b=" + perCall : ""),
                                "latents/s", 1, () -> mt.lanczos(z1, top), Double.NaN);
                    }
                };
                Result r = time(bench.op(), bench.unit(), bench.items(), bench.body()).withFlops(bench.flopsPerItem());
                results.add(r);
                outw.printf("  %-28s %12.1f %-10s (median %.3f ms per run of %d, %d runs)%s%n", r.op(), r.perSecond(),
                        r.unit(), r.medianSeconds() * 1e3, r.itemsPerRun(), r.runs(), flops(r));
                outw.flush();
                if (profile) {
                    ProfileReport.print(outw, bench.op(), bench.body());
                }
            }
            if (ops.contains("exact") || ops.contains("projected")) {
                peak = b.measureGemmPeak();
                outw.printf("  GEMM peak (n=%d, the GEMM this backend's layers use): %.3g TFLOP/s%n", peak.n(),
                        peak.flopsPerSecond() / 1e12);
                for (Result r : results) {
                    if (r.op().startsWith("psi/nu")) {
                        outw.printf("  %-28s %.1f%% of the GEMM peak%n", r.op(),
                                100 * r.flopsPerSecond() / peak.flopsPerSecond());
                    }
                }
            }
        }
        if (json != null) {
            StringBuilder s = new StringBuilder("{\n  \"model\": \"").append(common.model.toString().replace("\"", "\\\""))
                    .append("\", \"backend\": \"").append(backendName.replace("\"", "\\\""))
                    .append("\", \"gemm\": \"").append(gemmKernel).append("\", \"batch\": ")
                    .append(batch).append(",\n  \"results\": [\n");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                s.append("    {\"op\": \"").append(r.op()).append("\", \"unit\": \"").append(r.unit())
                        .append("\", \"per_second\": ").append(r.perSecond()).append(", \"median_seconds\": ")
                        .append(r.medianSeconds()).append(", \"runs\": ").append(r.runs())
                        .append(", \"flops_per_item\": ").append(Double.isNaN(r.flopsPerItem()) ? "null" : r.flopsPerItem())
                        .append('}')
                        .append(i + 1 < results.size() ? "," : "").append('\n');
            }
            s.append("  ],\n  \"gemm_peak\": ").append(peak == null ? "null" : "{\"n\": " + peak.n()
                    + ", \"flops_per_second\": " + peak.flopsPerSecond() + "}");
            Files.writeString(json, s.append("\n}\n").toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private Result time(String op, String unit, int items, Runnable body) {
        body.run();
        List<Double> runs = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            body.run();
            runs.add((System.nanoTime() - t0) / 1e9);
        } while (System.nanoTime() < end || runs.size() < 3);
        double[] sorted = runs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        return new Result(op, unit, items / median, median, sorted.length, items, Double.NaN);
    }

    /** ", 1.23 GFLOP each, 4.56 TFLOP/s" where the operation's FLOPs are counted. */
    private static String flops(Result r) {
        if (Double.isNaN(r.flopsPerItem())) {
            return "";
        }
        return String.format(", %.3g GFLOP each, %.3g TFLOP/s", r.flopsPerItem() / 1e9, r.flopsPerSecond() / 1e12);
    }

    private static double[] identity(int e) {
        double[] eye = new double[e * e];
        for (int i = 0; i < e; i++) {
            eye[i * e + i] = 1;
        }
        return eye;
    }

    /** The 2P cross-polytope vertices of every latent, back to back (as Descriptors builds them). */
    private static double[] vertices(double[] z, int n, int e, double[] basis, int p, double r) {
        double[] v = new double[n * 2 * p * e];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < p; a++) {
                for (int j = 0; j < e; j++) {
                    v[((i * 2 * p) + a) * e + j] = z[i * e + j] + r * basis[a * e + j];
                    v[((i * 2 * p) + p + a) * e + j] = z[i * e + j] - r * basis[a * e + j];
                }
            }
        }
        return v;
    }
}
