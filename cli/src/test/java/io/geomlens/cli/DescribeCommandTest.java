package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.io.Npy;
import io.geomlens.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeCommandTest {
    private static final Path DEMO = Path.of("../examples/demo-mlp.onnx");

    @TempDir
    Path dir;

    @Test
    void bundledDemoModelIsWhatZooWrites() throws Exception {
        Path fresh = dir.resolve("demo.onnx");
        assertEquals(0, Cli.run("zoo", "--kind", "demo", "--out", fresh.toString()).code());
        assertArrayEquals(Files.readAllBytes(DEMO), Files.readAllBytes(fresh),
                "examples/demo-mlp.onnx is stale: regenerate with geomlens zoo --kind demo");
    }

    @Test
    void csvRowsEqualTheLibraryResult() throws Exception {
        double[] z = new double[3 * 16];
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.sin(i) * 1.3;
        }
        Path latents = dir.resolve("z.npy");
        Npy.write(latents, new int[] {3, 16}, z);
        Path csv = dir.resolve("out/r.csv");
        Cli r = Cli.run("describe", "--model", DEMO.toString(), "--latents", latents.toString(), "--backend", "cpu",
                "--out", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("3 latents in"), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,psi,nu,rank,delta,delta[/fc0/act/Gelu],delta[/fc1/act/Gelu],delta[/fc2/Sigmoid]",
                lines.get(0));
        DescriptorBatch ref = new Descriptors(new CpuBackend().load(OnnxImporter.read(DEMO)),
                DescriptorOptions.DEFAULTS).describe(z, 3);
        for (int i = 0; i < 3; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(ref.latents().get(i).psi(), Double.parseDouble(f[1]), 0.0);
            assertEquals(ref.latents().get(i).nu(), Double.parseDouble(f[2]), 0.0);
            assertEquals(ref.latents().get(i).delta(), Long.parseLong(f[4]));
        }
    }

    @Test
    void jsonAndNpyOutputsCarryTheRun() throws Exception {
        Path json = dir.resolve("r.json");
        assertEquals(0, Cli.run("describe", "--model", DEMO.toString(), "--random", "2", "--seed", "5",
                "--route", "projected", "--k", "12", "--out", json.toString()).code());
        String s = Files.readString(json);
        assertTrue(s.contains("\"route\": \"projected\"") && s.contains("\"k\": 12") && s.contains("\"basis_seed\": 1"), s);
        Path npy = dir.resolve("r.npy");
        assertEquals(0, Cli.run("describe", "--model", DEMO.toString(), "--random", "2", "--no-delta",
                "--out", npy.toString()).code());
        assertArrayEquals(new int[] {2, 4}, Npy.read(npy).shape());
    }

    @Test
    void badInputGivesOneClearErrorLine() throws Exception {
        Path nan = dir.resolve("nan.npy");
        double[] z = new double[2 * 16];
        z[20] = Double.NaN;
        Npy.write(nan, new int[] {2, 16}, z);
        Cli r = Cli.run("describe", "--model", DEMO.toString(), "--latents", nan.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: latents row 1, column 4 is NaN"), r.err());

        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, new int[] {2, 17}, new double[34]);
        r = Cli.run("describe", "--model", DEMO.toString(), "--latents", wide.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("latent dimension is E = 16"), r.err());

        r = Cli.run("describe", "--model", dir.resolve("missing.onnx").toString(), "--random", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("error: file not found:"), r.err());

        r = Cli.run("describe", "--model", DEMO.toString(), "--random", "1", "--out", "r.txt");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must end in .csv, .json or .npy"), r.err());

        r = Cli.run("describe", "--model", DEMO.toString(), "--random", "1", "--P", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("P >= 1"), r.err());

        Path empty = dir.resolve("empty.npy");
        Npy.write(empty, new int[] {0, 16}, new double[0]);
        r = Cli.run("describe", "--model", DEMO.toString(), "--latents", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("holds no latents"), r.err());

        Path blocker = dir.resolve("plain-file");
        Files.writeString(blocker, "not a folder");
        r = Cli.run("describe", "--model", DEMO.toString(), "--random", "1", "--out",
                blocker.resolve("sub/r.csv").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot create the output folder"), r.err());

        Path notOnnx = dir.resolve("x.onnx");
        Files.writeString(notOnnx, "hello");
        r = Cli.run("describe", "--model", notOnnx.toString(), "--random", "1");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not an ONNX model"), r.err());
    }

    @Test
    void conditionalModelWithItsLabelFixed() throws Exception {
        Path cgan = dir.resolve("cgan.onnx");
        assertEquals(0, Cli.run("zoo", "--kind", "cgan", "--out", cgan.toString()).code());
        String[] psi = new String[2];
        for (int label = 3; label <= 4; label++) {
            Path out = dir.resolve("d" + label + ".csv");
            Cli r = Cli.run("describe", "--model", cgan.toString(), "--fix", "label=" + label, "--random", "2",
                    "--seed", "4", "--backend", "cpu", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            psi[label - 3] = Files.readAllLines(out).get(1).split(",")[1];
        }
        assertTrue(!psi[0].equals(psi[1]), "the label changes the generator, so psi: " + psi[0] + " " + psi[1]);

        Cli missing = Cli.run("describe", "--model", cgan.toString(), "--random", "2", "--backend", "cpu");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("(z, label)") && missing.err().contains("--fix"), missing.err());
        Cli bad = Cli.run("describe", "--model", cgan.toString(), "--fix", "label=three", "--random", "2");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("'three' is not a comma-separated list"), bad.err());
        Cli noValue = Cli.run("describe", "--model", cgan.toString(), "--fix", "label", "--random", "2");
        assertEquals(1, noValue.code());
        assertTrue(noValue.err().contains("is not NAME=VALUES"), noValue.err());
        Cli twice = Cli.run("describe", "--model", cgan.toString(), "--fix", "label=1", "--fix", "label=2", "--random",
                "2");
        assertEquals(1, twice.code());
        assertTrue(twice.err().contains("gives input 'label' twice"), twice.err());
    }
}
