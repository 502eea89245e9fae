package io.geomlens.testing;

import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import io.geomlens.onnx.OnnxImporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A genuine PyTorch export from src/test/resources/torch-exports (made by
 * benchmarks/torch/fixtures.py) with torch's float64 references: outputs x, psi/nu/rank on the
 * exact route, and per-layer sign changes over the 2P vertices z +- R b_j of a basis it chose.
 * -Dgeomlens.torchExports=DIR reads them from DIR instead (fresh exports from another torch).
 */
public record TorchExport(String name, Graph graph, Npy.Array z, Npy.Array x, Npy.Array ref, Npy.Array basis,
        Npy.Array delta) {
    public static final List<String> NAMES = List.of("mlp", "conv", "dcgan", "transformer-mlp", "upsample", "vae",
            "cyclegan", "subpixel", "export-patterns", "attention", "stylegan2-fused", "query-decoder",
            "attention-variants", "query-decoder-one-latent", "swin-one-latent", "biggan", "progan",
            "function-blocks", "video-decoder", "voxel-gan", "dit", "where-activations", "where-gates", "grid-warp");
    /**
     * The fixtures' names, for @MethodSource("io.geomlens.testing.TorchExport#names"): with
     * -Dgeomlens.torchExports, those DIR/exported.txt lists (an exporter may fail on some models).
     */
    public static List<String> names() {
        String dir = System.getProperty("geomlens.torchExports");
        java.nio.file.Path list = dir == null ? null : java.nio.file.Path.of(dir, "exported.txt");
        if (list == null || !java.nio.file.Files.exists(list)) {
            return NAMES;
        }
        try {
            return java.nio.file.Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** fixtures.py's R. */
    public static final double RADIUS = 0.05;

    public static TorchExport load(String name) {
        return new TorchExport(name, graph(name), npy(name, "z"), npy(name, "x"), npy(name, "ref"), npy(name, "basis"),
                npy(name, "delta"));
    }

    /** From DIR by path when given: the dynamo exporter writes the weights beside the model. */
    private static Graph graph(String name) {
        String dir = System.getProperty("geomlens.torchExports");
        if (dir == null) {
            return OnnxImporter.read(bytes(name + ".onnx"), name + ".onnx");
        }
        try {
            return OnnxImporter.read(java.nio.file.Path.of(dir, name + ".onnx"));
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
        String dir = System.getProperty("geomlens.torchExports");
        if (dir != null) {
            try {
                return java.nio.file.Files.readAllBytes(java.nio.file.Path.of(dir, file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (InputStream in = TorchExport.class.getResourceAsStream("/torch-exports/" + file)) {
            if (in == null) {
                throw new IllegalStateException("test resource torch-exports/" + file + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
