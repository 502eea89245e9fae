package io.geomlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.cli.render.Colormap;
import io.geomlens.cli.render.HeatMap;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.LatentPlane;
import io.geomlens.io.Npy;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PicturesTest {
    private static final Path DEMO = Path.of("../examples/demo-mlp.onnx");

    @TempDir
    Path dir;


    @Test
    void mapImagesHaveTheGridColourRangeAndAnchorsInPlace() throws Exception {
        int res = 40;
        double[] anchors = new double[3 * 16];
        for (int i = 0; i < anchors.length; i++) {
            anchors[i] = Math.sin(1.7 * i + 0.3);
        }
        Path a = dir.resolve("a.npy");
        Npy.write(a, new int[] {3, 16}, anchors);
        Path out = dir.resolve("maps");
        Cli r = Cli.run("map", "--model", DEMO.toString(), "--anchors", a.toString(), "--res", "" + res,
                "--extent", "1.5", "--descriptor", "psi,nu", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());

        BufferedImage img = ImageIO.read(out.resolve("psi.png").toFile());
        assertEquals(HeatMap.MARGIN * 2 + res + 16 + 90, img.getWidth());
        assertEquals(HeatMap.MARGIN * 2 + res, img.getHeight());

        // The grid spans the whole colour range: its min and max cells are the colormap's ends.
        Npy.Array grid = Npy.read(out.resolve("psi.npy"));
        assertArrayEquals(new int[] {res, res}, grid.shape());
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < grid.data().length; i++) {
            lo = grid.data()[i] < grid.data()[lo] ? i : lo;
            hi = grid.data()[i] > grid.data()[hi] ? i : hi;
        }
        LatentPlane plane = LatentPlane.through(anchors, 16);
        List<int[]> anchorPx = new java.util.ArrayList<>();
        for (double[] c : plane.anchorCoords()) {
            anchorPx.add(new int[] {(int) Math.round(plane.index(c[0], res, 1.5)),
                    (int) Math.round(res - 1 - plane.index(c[1], res, 1.5))});
        }
        if (farFrom(anchorPx, lo % res, lo / res)) {
            assertEquals(Colormap.viridis(0), pixel(img, lo % res, lo / res), "min cell colour");
        }
        if (farFrom(anchorPx, hi % res, hi / res)) {
            assertEquals(Colormap.viridis(1), pixel(img, hi % res, hi / res), "max cell colour");
        }

        // Anchors: black centre, white ring at radius 3.
        for (int[] p : anchorPx) {
            assertEquals(0x000000, pixel(img, p[0], p[1]), "anchor centre at " + p[0] + "," + p[1]);
            int rx = p[0] + 3 < res ? p[0] + 3 : p[0] - 3;
            assertEquals(0xFFFFFF, pixel(img, rx, p[1]), "anchor ring");
        }

        // The raw grid is the descriptor of the plane's latents, cell by cell.
        double[] z = plane.grid(res, 1.5);
        int cell = 7 * res + 29;
        double[] zc = java.util.Arrays.copyOfRange(z, cell * 16, (cell + 1) * 16);
        double psi = new Descriptors(new CpuBackend().load(OnnxImporter.read(DEMO)),
                DescriptorOptions.DEFAULTS.withComplexity(false)).describe(zc, 1).latents().get(0).psi();
        assertEquals(psi, grid.data()[cell], 0.0);
        assertTrue(Files.exists(out.resolve("nu.png")) && Files.exists(out.resolve("plane.json")));
    }

    private static boolean farFrom(List<int[]> anchors, int x, int y) {
        return anchors.stream().allMatch(p -> Math.hypot(p[0] - x, p[1] - y) > 5);
    }

    private static int pixel(BufferedImage img, int col, int row) {
        return img.getRGB(HeatMap.MARGIN + col, HeatMap.MARGIN + row) & 0xFFFFFF;
    }

    @Test
    void levelSetGalleryAndCsv() throws Exception {
        Path model = dir.resolve("conv.onnx");
        ModelZoo.convDecoder(3, 8).write(model);
        Path out = dir.resolve("ls");
        Cli r = Cli.run("levelsets", "--model", model.toString(), "--random", "12", "--bins", "3",
                "--per-bin", "4", "--backend", "cpu", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> csv = Files.readAllLines(out.resolve("levelsets.csv"));
        assertEquals(13, csv.size());
        for (String line : csv.subList(1, csv.size())) {
            int bin = Integer.parseInt(line.split(",")[2]);
            assertTrue(bin >= 0 && bin < 3, line);
        }
        BufferedImage img = ImageIO.read(out.resolve("levelsets.png").toFile());
        int cell = 28 + 4;   // 28x28 images, zoom 1 (48 / 28), 2 px border each side
        assertEquals(3 * cell, img.getHeight());
        int label = io.geomlens.cli.render.BitmapFont.width("-00.000", 1) + 8;
        assertEquals(label + 4 * cell, img.getWidth());
        // A grey-scale model gives grey pixels (r = g = b) inside the first shown sample.
        int x0 = img.getWidth() - 4 * cell + 2 + 10;
        int rgb = img.getRGB(x0, 2 + 10) & 0xFFFFFF;
        assertEquals(rgb >> 16 & 0xFF, rgb & 0xFF);
        assertEquals(rgb >> 8 & 0xFF, rgb & 0xFF);
    }

    @Test
    void nonImageOutputsNeedAnImageShape() {
        Cli r = Cli.run("levelsets", "--model", DEMO.toString(), "--random", "3", "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("pass --image CxHxW"), r.err());
        r = Cli.run("levelsets", "--model", DEMO.toString(), "--random", "3", "--bins", "2", "--image", "1x28x28",
                "--backend", "cpu", "--out", dir.resolve("ok").toString());
        assertEquals(0, r.code(), r.err());
        r = Cli.run("map", "--model", DEMO.toString(), "--random-anchors", "1", "--descriptor", "psi,rank",
                "--out", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'rank' is not psi, nu or delta"), r.err());
    }
}
