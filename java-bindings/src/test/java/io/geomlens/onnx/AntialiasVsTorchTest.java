package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Graph;
import io.geomlens.graph.Precision;
import io.geomlens.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Resize(antialias=1, exclude_outside=1) against torch's F.interpolate(antialias=True) in float64
 * (benchmarks/torch/antialias.py: bilinear and bicubic downscaling of a Tanh layer's maps; torch 1.13
 * cannot export the op, so the graph there is written with onnx.helper). ForwardVsOrtTest checks the
 * same Resize against ONNX Runtime in every mode; this checks that the ONNX form is torch's function.
 * The tolerance covers the float32 scale (out / in) that ONNX Runtime, and so geomlens, resize by.
 */
class AntialiasVsTorchTest {
    @Test
    void antialiasedResizeIsTorchsInterpolate() throws IOException {
        Graph g = OnnxImporter.read(resource("antialias.onnx"), "antialias.onnx");
        Npy.Array z = Npy.read(resource("antialias-z.npy"), "antialias-z.npy");
        Npy.Array x = Npy.read(resource("antialias-x.npy"), "antialias-x.npy");
        try (Generator gen = new CpuBackend(Precision.FLOAT64).load(g)) {
            assertClose(x.data(), gen.forward(z.data(), z.rows()), 1e-6, 1e-5, "geomlens vs torch float64");
        }
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = AntialiasVsTorchTest.class.getResourceAsStream("/torch-reference/" + file)) {
            if (in == null) {
                throw new IllegalStateException("test resource torch-reference/" + file + " is missing");
            }
            return in.readAllBytes();
        }
    }
}
