package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.cli.render.HeatMap;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.LatentPlane;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** geomlens map: descriptor heat maps over the latent plane through three anchors. */
@Command(name = "map", mixinStandardHelpOptions = true,
        description = "Heat maps of psi, nu and delta over the plane through three anchor latents"
                + " (PNG with colour bar and anchors marked, plus the raw grid as .npy).")
final class MapCommand implements Callable<Integer> {
    private static final List<String> KNOWN = List.of("psi", "nu", "delta");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Option(names = "--anchors", description = "Three anchor latents as .npy, shape (3, E).")
    Path anchors;

    @Option(names = "--random-anchors", description = "Draw the three anchors from N(0, I) with this seed instead.")
    Long anchorSeed;

    @Option(names = "--res", defaultValue = "256", description = "Grid resolution per side (default ${DEFAULT-VALUE}).")
    int res;

    @Option(names = "--extent", defaultValue = "1.5",
            description = "Half-width of the grid in units of the largest anchor distance from their centroid"
                    + " (default ${DEFAULT-VALUE}).")
    double extent;

    @Option(names = "--descriptor", defaultValue = "psi,nu,delta", split = ",",
            description = "Any of psi, nu, delta (default ${DEFAULT-VALUE}).")
    List<String> descriptors;

    @Option(names = "--route", defaultValue = "auto", description = "exact, projected or auto (as in describe).")
    String route;

    @Option(names = "--k", defaultValue = "120", description = "Projection rows (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--P", defaultValue = "4", description = "Cross-polytope directions for delta.")
    int polytopeP;

    @Option(names = "--r", defaultValue = "1e-2", description = "Cross-polytope radius for delta.")
    double polytopeR;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Override
    public Integer call() throws Exception {
        for (String d : descriptors) {
            if (!KNOWN.contains(d)) {
                throw new ParameterException(spec.commandLine(), "--descriptor '" + d + "' is not psi, nu or delta");
            }
        }
        if (res < 2 || res > 4096) {
            throw new ParameterException(spec.commandLine(), "--res " + res + " must be between 2 and 4096");
        }
        if (!(extent > 0)) {
            throw new ParameterException(spec.commandLine(), "--extent " + extent + " must be positive");
        }
        if ((anchors == null) == (anchorSeed == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --anchors a.npy or --random-anchors SEED");
        }
        Route r = Options.route(route, spec);
        Graph graph = common.graph();
        int e = graph.latentDim();
        double[] a = loadAnchors(e);
        LatentPlane plane = LatentPlane.through(a, e);
        double[] grid = plane.grid(res, extent);
        int n = res * res;
        var err = spec.commandLine().getErr();
        DescriptorOptions o = new DescriptorOptions(r, k, 0L, 1e-6, descriptors.contains("delta"), polytopeP, polytopeR, 1L);
        DescriptorBatch b;
        double secs;
        try (Backend backendImpl = common.backend(err::println); Generator gen = backendImpl.load(graph)) {
            ProgressBar bar = new ProgressBar(err, n, "latents");
            b = new Descriptors(gen, o).describe(grid, n, bar::update);
            secs = bar.finish();
        }
        Options.folder(out);
        double[][] anchorPixels = new double[3][];
        for (int i = 0; i < 3; i++) {
            double[] c = plane.anchorCoords()[i];
            anchorPixels[i] = new double[] {plane.index(c[0], res, extent), res - 1 - plane.index(c[1], res, extent)};
        }
        for (String d : descriptors) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                var l = b.latents().get(i);
                v[i] = d.equals("psi") ? l.psi() : d.equals("nu") ? l.nu() : l.delta();
            }
            Npy.write(out.resolve(d + ".npy"), new int[] {res, res}, v);
            ImageIO.write(HeatMap.render(v, res, d, anchorPixels), "png", out.resolve(d + ".png").toFile());
        }
        StringBuilder s = new StringBuilder("{\n  \"model\": \"").append(common.model.toString().replace("\"", "\\\""))
                .append("\",\n  \"res\": ").append(res).append(", \"extent\": ").append(extent)
                .append(", \"radius\": ").append(plane.radius()).append(",\n  \"anchor_pixels\": [");
        for (int i = 0; i < 3; i++) {
            s.append(i > 0 ? ", " : "").append("[").append(anchorPixels[i][0]).append(", ").append(anchorPixels[i][1])
                    .append("]");
        }
        s.append("],\n  \"pixel_origin\": [").append(HeatMap.originX()).append(", ").append(HeatMap.originY())
                .append("]\n}\n");
        Files.writeString(out.resolve("plane.json"), s.toString(), StandardCharsets.UTF_8);
        err.printf("geomlens: %d latents in %.2f s (%.1f latents/s); wrote %s to %s%n", n, secs, n / secs,
                String.join(", ", descriptors), out);
        return 0;
    }

    private double[] loadAnchors(int e) throws java.io.IOException {
        if (anchors != null) {
            Npy.Array arr = Npy.read(anchors);
            if (arr.rows() != 3 || arr.rowWidth() != e) {
                throw new IllegalArgumentException(anchors + " has shape " + java.util.Arrays.toString(arr.shape())
                        + "; --anchors needs (3, " + e + ")");
            }
            io.geomlens.Inputs.matrix("anchors", arr.data(), 3, e, "latent dimension E");
            return arr.data();
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(anchorSeed);
        double[] a = new double[3 * e];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        return a;
    }
}
