package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.io.Npy;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** geomlens verify against outputs torch itself computed (the genuine export fixtures, float64). */
class VerifyCommandTest {
    private static final String FIXTURES = "../java-bindings/src/test/resources/torch-exports/";

    @TempDir
    Path dir;

    @Test
    void genuineTorchExportsComputeTorchsOutputs() {
        for (String name : new String[] {"mlp", "cyclegan", "export-patterns", "function-blocks", "voxel-gan"}) {
            Cli r = Cli.run("verify", "--model", FIXTURES + name + ".onnx", "--latents", FIXTURES + name + "-z.npy",
                    "--expect", FIXTURES + name + "-x.npy", "--backend", "cpu");
            assertEquals(0, r.code(), name + ": " + r.out() + r.err());
            assertTrue(r.out().contains("3 latents x") && r.out().contains("verify: OK"), r.out());
        }
    }

    /** Weights in conv-external.onnx.data beside the model, found from the model's path. */
    @Test
    void externalDataBesideTheModel() {
        Cli r = Cli.run("verify", "--model", FIXTURES + "conv-external.onnx", "--latents", FIXTURES + "conv-z.npy",
                "--expect", FIXTURES + "conv-x.npy", "--backend", "cpu");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verify: OK"), r.out());
    }

    @Test
    void aWrongOutputIsFoundAndLocated() throws Exception {
        Npy.Array x = Npy.read(Path.of(FIXTURES + "mlp-x.npy"));
        double[] changed = x.data().clone();
        int at = x.rowWidth() + 7;   // latent 1, output 7
        changed[at] += 0.01;
        Path bad = dir.resolve("bad-x.npy");
        Npy.write(bad, x.shape(), changed);
        Cli r = Cli.run("verify", "--model", FIXTURES + "mlp.onnx", "--latents", FIXTURES + "mlp-z.npy",
                "--expect", bad.toString(), "--backend", "cpu");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("worst at latent 1, output 7"), r.out());
        assertTrue(r.err().contains("error: the ONNX model does not compute the expected outputs"), r.err());
    }

    @Test
    void shapesThatDoNotMatchTheModelAreNamed() {
        Cli r = Cli.run("verify", "--model", FIXTURES + "mlp.onnx", "--latents", FIXTURES + "mlp-z.npy",
                "--expect", FIXTURES + "conv-x.npy");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("conv-x.npy has shape") && r.err().contains("D = 50"), r.err());
        Cli z = Cli.run("verify", "--model", FIXTURES + "mlp.onnx", "--latents", FIXTURES + "conv-z.npy",
                "--expect", FIXTURES + "mlp-x.npy");
        assertEquals(1, z.code());
        assertTrue(z.err().contains("latent dimension is E = 6"), z.err());
    }

    @Test
    void aNonFiniteReferenceIsNamed() throws Exception {
        Npy.Array x = Npy.read(Path.of(FIXTURES + "mlp-x.npy"));
        double[] changed = x.data().clone();
        changed[2 * x.rowWidth() + 3] = Double.NaN;
        Path bad = dir.resolve("nan-x.npy");
        Npy.write(bad, x.shape(), changed);
        Cli r = Cli.run("verify", "--model", FIXTURES + "mlp.onnx", "--latents", FIXTURES + "mlp-z.npy",
                "--expect", bad.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nan-x.npy row 2, column 3 is NaN"), r.err());
    }
}
