package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Generator;
import io.geomlens.cli.render.BitmapFont;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.graph.Graph;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** geomlens levelsets: samples binned by a descriptor, decoded outputs shown per bin. */
@Command(name = "levelsets", mixinStandardHelpOptions = true,
        description = "Bin random samples by psi, nu or delta (equal-width bins) and write a PNG gallery of the"
                + " decoded outputs per bin (one row per bin, low to high) plus a CSV.")
final class LevelSetsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions common;

    @Option(names = "--random", required = true, description = "Number of N(0, I) latents to draw.")
    int n;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the latents (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--bins", defaultValue = "10", description = "Number of bins (default ${DEFAULT-VALUE}).")
    int bins;

    @Option(names = "--per-bin", defaultValue = "8", description = "Samples shown per bin (default ${DEFAULT-VALUE}).")
    int perBin;

    @Option(names = "--descriptor", defaultValue = "psi", description = "psi, nu or delta (default ${DEFAULT-VALUE}).")
    String descriptor;

    @Option(names = "--image", description = "Output as an image CxHxW (C = 1 or 3); default: the model's output shape.")
    String image;

    @Option(names = "--out", required = true, description = "Output folder (levelsets.png, levelsets.csv).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!List.of("psi", "nu", "delta").contains(descriptor)) {
            throw new ParameterException(spec.commandLine(), "--descriptor '" + descriptor + "' is not psi, nu or delta");
        }
        if (n < 1 || bins < 1 || perBin < 1) {
            throw new ParameterException(spec.commandLine(), "--random, --bins and --per-bin must be at least 1");
        }
        Graph graph = common.graph();
        int[] chw = imageShape(graph);
        int e = graph.latentDim();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        double[] z = new double[n * e];
        for (int i = 0; i < z.length; i++) {
            z[i] = rnd.nextGaussian();
        }
        var err = spec.commandLine().getErr();
        DescriptorBatch b;
        double[] outputs;
        double secs;
        try (Backend be = common.backend(err::println); Generator gen = be.load(graph)) {
            ProgressBar bar = new ProgressBar(err, n, "latents");
            b = new Descriptors(gen, DescriptorOptions.DEFAULTS.withComplexity(descriptor.equals("delta")))
                    .describe(z, n, bar::update);
            outputs = gen.forward(z, n);
            secs = bar.finish();
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            var l = b.latents().get(i);
            v[i] = descriptor.equals("psi") ? l.psi() : descriptor.equals("nu") ? l.nu() : l.delta();
        }
        double lo = java.util.Arrays.stream(v).min().orElse(0);
        double hi = java.util.Arrays.stream(v).max().orElse(1);
        int[] bin = new int[n];
        List<List<Integer>> members = new ArrayList<>();
        for (int j = 0; j < bins; j++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            bin[i] = hi > lo ? Math.min(bins - 1, (int) ((v[i] - lo) / (hi - lo) * bins)) : 0;
            members.get(bin[i]).add(i);
        }
        Options.folder(out);
        StringBuilder csv = new StringBuilder("index," + descriptor + ",bin\n");
        for (int i = 0; i < n; i++) {
            csv.append(i).append(',').append(v[i]).append(',').append(bin[i]).append('\n');
        }
        Files.writeString(out.resolve("levelsets.csv"), csv.toString(), StandardCharsets.UTF_8);
        BufferedImage img = gallery(outputs, graph.outputDim(), chw, members, lo, hi);
        ImageIO.write(img, "png", out.resolve("levelsets.png").toFile());
        err.printf("geomlens: %d latents in %.2f s (%.1f latents/s); %s in [%.4f, %.4f], %d bins; wrote %s%n", n, secs,
                n / secs, descriptor, lo, hi, bins, out);
        return 0;
    }

    private int[] imageShape(Graph g) {
        int[] s;
        if (image != null) {
            try {
                s = java.util.Arrays.stream(image.split("x")).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException ex) {
                throw new ParameterException(spec.commandLine(), "--image '" + image + "' is not CxHxW, e.g. 3x64x64");
            }
        } else {
            s = g.outputShape();
        }
        if (s.length != 3 || (s[0] != 1 && s[0] != 3) || (long) s[0] * s[1] * s[2] != g.outputDim()) {
            throw new ParameterException(spec.commandLine(), "the output (D = " + g.outputDim() + ", shape "
                    + java.util.Arrays.toString(g.outputShape()) + ") is not an image CxHxW with C = 1 or 3;"
                    + " pass --image CxHxW");
        }
        return s;
    }

    /** One row per bin: a label with the bin's range, then up to perBin decoded samples. */
    private BufferedImage gallery(double[] outputs, int d, int[] chw, List<List<Integer>> members, double lo, double hi) {
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        int zoom = Math.max(1, 48 / Math.max(h, w));
        int cell = Math.max(h, w) * zoom + 4;
        int label = BitmapFont.width("-00.000", 1) + 8;
        BufferedImage img = new BufferedImage(label + perBin * cell, members.size() * cell, BufferedImage.TYPE_INT_RGB);
        double omin = java.util.Arrays.stream(outputs).min().orElse(0);
        double omax = java.util.Arrays.stream(outputs).max().orElse(1);
        double span = omax > omin ? omax - omin : 1;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0xFFFFFF);
            }
        }
        for (int row = 0; row < members.size(); row++) {
            double from = lo + (hi - lo) * row / members.size();
            BitmapFont.draw(img, String.format("%.3f", from), 2, row * cell + cell / 2 - 4, 1, 0x000000);
            List<Integer> m = members.get(row);
            for (int j = 0; j < Math.min(perBin, m.size()); j++) {
                int base = m.get(j) * d;
                int ox = label + j * cell + 2;
                int oy = row * cell + 2;
                for (int yy = 0; yy < h * zoom; yy++) {
                    for (int xx = 0; xx < w * zoom; xx++) {
                        int p = (yy / zoom) * w + xx / zoom;
                        int rgb = 0;
                        for (int ch = 0; ch < 3; ch++) {
                            double val = outputs[base + (c == 1 ? 0 : ch) * h * w + p];
                            int q = (int) Math.round(255 * (val - omin) / span);
                            rgb = rgb << 8 | Math.max(0, Math.min(255, q));
                        }
                        img.setRGB(ox + xx, oy + yy, rgb);
                    }
                }
            }
        }
        return img;
    }
}
