package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.io.Npy;
import io.geomlens.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvertCommandTest {
    private static final Path DEMO = Path.of("../examples/demo-mlp.onnx");

    @TempDir
    Path dir;

    @Test
    void recoversALatentWhoseOutputMatchesTheTarget() throws Exception {
        double[] zStar = new double[16];
        for (int i = 0; i < 16; i++) {
            zStar[i] = 0.5 * Math.sin(2 * i + 1);
        }
        double[] x = new CpuBackend().load(OnnxImporter.read(DEMO)).forward(zStar, 1);
        Path target = dir.resolve("x.npy");
        Npy.write(target, new int[] {28, 28}, x);
        Path out = dir.resolve("z.npy");
        Path losses = dir.resolve("loss.csv");
        Cli r = Cli.run("invert", "--model", DEMO.toString(), "--target", target.toString(), "--steps", "300",
                "--lr", "0.05", "--backend", "cpu", "--out", out.toString(), "--losses", losses.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(losses);
        assertEquals(302, lines.size());
        double first = Double.parseDouble(lines.get(1).split(",")[1]);
        double last = Double.parseDouble(lines.get(301).split(",")[1]);
        assertTrue(last < 1e-2 * first, first + " -> " + last);
        assertEquals(16, Npy.read(out).data().length);
    }

    @Test
    void wrongTargetSizeIsExplained() throws Exception {
        Path target = dir.resolve("x.npy");
        Npy.write(target, new int[] {10}, new double[10]);
        Cli r = Cli.run("invert", "--model", DEMO.toString(), "--target", target.toString(), "--out",
                dir.resolve("z.npy").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the model outputs D = 784"), r.err());
    }
}
