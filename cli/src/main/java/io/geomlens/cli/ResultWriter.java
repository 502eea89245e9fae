package io.geomlens.cli;

import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.LatentDescriptors;
import io.geomlens.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes descriptors as CSV (one row per latent), JSON (with run settings, seeds and singular
 * values) or NPY (N x (4 + layers) float64: psi, nu, rank, delta, delta per layer).
 */
final class ResultWriter {
    private ResultWriter() {}

    static String format(String out) {
        String o = out.toLowerCase(Locale.ROOT);
        return o.endsWith(".csv") ? "csv" : o.endsWith(".json") ? "json" : o.endsWith(".npy") ? "npy" : null;
    }

    static void write(String out, String model, DescriptorBatch b, PrintWriter stdout) throws IOException {
        if (out.equals("-")) {
            stdout.print(csv(b));
            stdout.flush();
            return;
        }
        Path p = Path.of(out);
        Options.folder(p.getParent());
        switch (format(out)) {
            case "csv" -> Files.writeString(p, csv(b), StandardCharsets.UTF_8);
            case "json" -> Files.writeString(p, json(model, b), StandardCharsets.UTF_8);
            default -> npy(p, b);
        }
    }

    static String csv(DescriptorBatch b) {
        boolean delta = b.options().complexity();
        StringBuilder s = new StringBuilder("index,psi,nu,rank");
        if (delta) {
            s.append(",delta");
            for (String l : b.layers()) {
                s.append(",delta[").append(l.replace(",", "_").replace("\"", "_")).append(']');
            }
        }
        s.append('\n');
        List<LatentDescriptors> ls = b.latents();
        for (int i = 0; i < ls.size(); i++) {
            LatentDescriptors l = ls.get(i);
            s.append(i).append(',').append(num(l.psi())).append(',').append(num(l.nu())).append(',').append(l.rank());
            if (delta) {
                s.append(',').append(l.delta());
                for (long d : l.deltaPerLayer()) {
                    s.append(',').append(d);
                }
            }
            s.append('\n');
        }
        return s.toString();
    }

    static String json(String model, DescriptorBatch b) {
        var o = b.options();
        StringBuilder s = new StringBuilder("{\n");
        s.append("  \"model\": ").append(str(model)).append(",\n");
        s.append("  \"route\": ").append(str(b.route().name().toLowerCase())).append(",\n");
        s.append("  \"k\": ").append(b.k()).append(",\n");
        s.append("  \"projection_seed\": ").append(o.projectionSeed()).append(",\n");
        s.append("  \"rtol\": ").append(num(o.rtol())).append(",\n");
        if (o.complexity()) {
            s.append("  \"P\": ").append(o.polytopeP()).append(", \"r\": ").append(num(o.polytopeR()))
                    .append(", \"basis_seed\": ").append(o.polytopeSeed()).append(",\n");
            s.append("  \"layers\": [");
            for (int i = 0; i < b.layers().size(); i++) {
                s.append(i > 0 ? ", " : "").append(str(b.layers().get(i)));
            }
            s.append("],\n");
        }
        s.append("  \"latents\": [\n");
        for (int i = 0; i < b.latents().size(); i++) {
            LatentDescriptors l = b.latents().get(i);
            s.append("    {\"psi\": ").append(num(l.psi())).append(", \"nu\": ").append(num(l.nu()))
                    .append(", \"rank\": ").append(l.rank());
            if (o.complexity()) {
                s.append(", \"delta\": ").append(l.delta()).append(", \"delta_per_layer\": ")
                        .append(java.util.Arrays.toString(l.deltaPerLayer()));
            }
            s.append(", \"singular_values\": [");
            double[] sv = l.spectrum().values();
            for (int j = 0; j < sv.length; j++) {
                s.append(j > 0 ? ", " : "").append(num(sv[j]));
            }
            s.append("]}").append(i + 1 < b.latents().size() ? "," : "").append('\n');
        }
        return s.append("  ]\n}\n").toString();
    }

    private static void npy(Path p, DescriptorBatch b) throws IOException {
        int layers = b.options().complexity() ? b.layers().size() : 0;
        int cols = 4 + layers;
        int n = b.latents().size();
        double[] d = new double[n * cols];
        for (int i = 0; i < n; i++) {
            LatentDescriptors l = b.latents().get(i);
            d[i * cols] = l.psi();
            d[i * cols + 1] = l.nu();
            d[i * cols + 2] = l.rank();
            d[i * cols + 3] = b.options().complexity() ? l.delta() : Double.NaN;
            for (int j = 0; j < layers; j++) {
                d[i * cols + 4 + j] = l.deltaPerLayer()[j];
            }
        }
        Npy.write(p, new int[] {n, cols}, d);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String str(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
