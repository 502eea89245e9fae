package io.geomlens.cli;

import io.geomlens.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import picocli.CommandLine.Option;

/** Where latents come from: an .npy file (N x E) or N seeded standard-normal draws. */
final class LatentSource {
    private LatentSource() {}

    /** --latents FILE | --random N, with --seed: a picocli mixin. */
    static final class Options {
        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Choice choice = new Choice();

        @Option(names = "--seed", defaultValue = "0", description = "Seed for --random latents (default ${DEFAULT-VALUE}).")
        long seed;

        Latents load(int e) throws IOException {
            return choice.load(e, seed);
        }
    }

    record Latents(double[] values, int n) {}

    /** Latents from an .npy file of shape (N, E) (or (N, E, 1, 1)), N >= 1, named in any error. */
    static Latents read(Path file, int e) throws IOException {
        Npy.Array a = Npy.read(file);
        if (a.data().length == 0) {
            throw new IllegalArgumentException(file + " holds no latents (shape "
                    + java.util.Arrays.toString(a.shape()) + "); pass an (N, " + e + ") array with N >= 1");
        }
        if (a.rowWidth() != e) {
            throw new IllegalArgumentException(file + " has shape " + java.util.Arrays.toString(a.shape())
                    + ", i.e. latents of width " + a.rowWidth() + ", but the model's latent dimension is E = "
                    + e + "; pass an (N, " + e + ") array");
        }
        return new Latents(a.data(), a.rows());
    }

    static final class Choice {
        @Option(names = "--latents", description = "Latents as .npy, shape (N, E) (or (N, E, 1, 1)), float32/float64.")
        Path file;

        @Option(names = "--random", description = "Draw N latents from N(0, I) with --seed.")
        Integer random;

        Latents load(int e, long seed) throws IOException {
            if (file != null) {
                return read(file, e);
            }
            if (random < 1) {
                throw new IllegalArgumentException("--random " + random + ": ask for at least one latent");
            }
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] z = new double[Math.multiplyExact(random, e)];
            for (int i = 0; i < z.length; i++) {
                z[i] = rnd.nextGaussian();
            }
            return new Latents(z, random);
        }
    }
}
