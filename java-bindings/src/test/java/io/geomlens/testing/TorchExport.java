package io.geomlens.testing;

import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import io.geomlens.onnx.OnnxImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A genuine PyTorch export from src/test/resources/torch-exports (made by
 * benchmarks/torch/fixtures.py) with torch's float64 references: outputs x, psi/nu/rank on the
 * exact route, and per-layer sign changes over the 2P vertices z +- R b_j of a basis it chose.
 * Names are the fixture's ("mlp": torch 1.13's export) or SET/fixture for the newer torch's sets
 * ("torch-2.13-dynamo/mlp"). -Dgeomlens.torchExports=DIR reads them from DIR instead (fresh exports
 * from another torch).
 */
public record TorchExport(String name, Graph graph, Npy.Array z, Npy.Array x, Npy.Array ref, Npy.Array basis,
        Npy.Array delta) {
    public static final List<String> NAMES = List.of("mlp", "conv", "dcgan", "transformer-mlp", "upsample", "vae",
            "cyclegan", "subpixel", "export-patterns", "attention", "stylegan2-fused", "query-decoder",
            "attention-variants", "query-decoder-one-latent", "swin-one-latent", "biggan", "progan",
            "function-blocks", "video-decoder", "voxel-gan", "dit", "where-activations", "where-gates");
    /** Fixture sets from newer torches, each listing its fixtures in SET/exported.txt. */
    public static final List<String> SETS = List.of("torch-2.13", "torch-2.13-dynamo");

    /**
     * Tolerance factors for fixtures whose torch 2 exports are not torch's float64 model up to the
     * float32 rounding of their weights: the exporter computed constants in float32 (DiT's adaLN
     * modulation of its fixed conditioning; the dynamo exporter's ProGAN folds). Each graph
     * evaluated in float64 by onnx's ReferenceEvaluator (psi by central differences) agrees with
     * geomlens, not torch: dynamo ProGAN forward within 2e-14, psi within 4e-7 (torch 9.6e-6 away,
     * nu 1.8e-5); DiT psi within 3e-7 (torch 2.1e-5 away, dynamo 2.6e-5). The factors leave 1.2 to 2
     * times the gap. They apply to the torch 2 sets and to -Dgeomlens.torchExports, not to torch 1.13's.
     */
    private static final Map<String, Double> EXPORT_SLACK = Map.of("dit", 30.0, "progan", 30.0);

    /**
     * The fixtures' names, for @MethodSource("io.geomlens.testing.TorchExport#names"): with
     * -Dgeomlens.torchExports, those DIR/exported.txt lists (an exporter may fail on some models).
     */
    public static List<String> names() {
        String dir = System.getProperty("geomlens.torchExports");
        if (dir != null && Files.exists(Path.of(dir, "exported.txt"))) {
            return listed(new String(read(Path.of(dir, "exported.txt")), StandardCharsets.UTF_8), "");
        }
        List<String> all = new ArrayList<>(NAMES);
        if (dir == null) {
            SETS.forEach(set -> all.addAll(listed(new String(bytes(set + "/exported.txt"), StandardCharsets.UTF_8),
                    set + "/")));
        }
        return all;
    }

    private static List<String> listed(String lines, String prefix) {
        return lines.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> prefix + l).toList();
    }

    /** The factor this fixture's tolerances against torch are widened by (1 for most; see EXPORT_SLACK). */
    public double slack() {
        boolean torch2 = name.contains("/") || System.getProperty("geomlens.torchExports") != null;
        return torch2 ? EXPORT_SLACK.getOrDefault(name.substring(name.lastIndexOf('/') + 1), 1.0) : 1.0;
    }

    /** fixtures.py's R. */
    public static final double RADIUS = 0.05;

    public static TorchExport load(String name) {
        return new TorchExport(name, graph(name), npy(name, "z"), npy(name, "x"), npy(name, "ref"), npy(name, "basis"),
                npy(name, "delta"));
    }

    /** By path: the dynamo exporter writes the weights beside the model, in NAME.onnx.data. */
    private static Graph graph(String name) {
        try {
            if (System.getProperty("geomlens.torchExports") == null
                    && TorchExport.class.getResource("/torch-exports/" + name + ".onnx.data") != null) {
                path(name + ".onnx.data");   // beside the model when the resources are copied out of a jar
            }
            return OnnxImporter.read(path(name + ".onnx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int latents() {
        return z.rows();
    }

    public double[] latent(int i) {
        return row(z, i);
    }

    /** The 2P vertices of latent i in fixtures.py's order: z + R b_1 .. z + R b_P, then the minus side. */
    public double[] vertices(int i) {
        int p = basis.rows(), e = basis.rowWidth();
        double[] v = new double[2 * p * e];
        double[] zi = latent(i);
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < p; j++) {
                for (int c = 0; c < e; c++) {
                    v[(s * p + j) * e + c] = zi[c] + (s == 0 ? RADIUS : -RADIUS) * basis.data()[j * e + c];
                }
            }
        }
        return v;
    }

    public static double[] row(Npy.Array a, int i) {
        int w = a.rowWidth();
        return java.util.Arrays.copyOfRange(a.data(), i * w, (i + 1) * w);
    }

    private static Npy.Array npy(String name, String what) {
        String file = name + "-" + what + ".npy";
        try {
            return Npy.read(bytes(file), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture file's bytes (from -Dgeomlens.torchExports when set, else the test resources). */
    public static byte[] bytes(String file) {
        return read(path(file));
    }

    /** A fixture file on disk: in -Dgeomlens.torchExports when set, else the test resources' folder. */
    private static Path path(String file) {
        String dir = System.getProperty("geomlens.torchExports");
        if (dir != null) {
            return Path.of(dir, file);
        }
        URL url = TorchExport.class.getResource("/torch-exports/" + file);
        if (url == null) {
            throw new IllegalStateException("test resource torch-exports/" + file + " is missing");
        }
        try {
            return url.getProtocol().equals("file") ? Path.of(url.toURI()) : copiedOut(url, file);
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        }
    }

    private static Path copies;

    /** A resource inside a jar (the test jar gpu-check.sh runs) copied to a folder of this run's. */
    private static synchronized Path copiedOut(URL url, String file) throws IOException {
        if (copies == null) {
            copies = Files.createTempDirectory("torch-exports");
            copies.toFile().deleteOnExit();
        }
        Path p = copies.resolve(file);
        if (!Files.exists(p)) {
            Files.createDirectories(p.getParent());
            p.getParent().toFile().deleteOnExit();
            try (var in = url.openStream()) {
                Files.copy(in, p);
            }
            p.toFile().deleteOnExit();
        }
        return p;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
