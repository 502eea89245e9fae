package io.geomlens.descriptors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomlens.Generator;
import io.geomlens.JacobianSpectra;
import io.geomlens.SignPattern;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Precision;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import io.geomlens.linalg.SmallSvd;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.OnnxImporter;
import io.geomlens.testing.Close;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A device that runs out of memory above some batch: Descriptors halves its chunks and still gets every latent. */
class DeviceChunkingTest {
    /** Delegates to the CPU, offers JacobianSpectra, and fails like a full GPU above `limit` latents. */
    private record SmallDevice(Generator cpu, int limit, List<Integer> calls) implements Generator, JacobianSpectra {
        @Override
        public double[][] singularValues(double[] z, int n, double[] frame, int k) {
            calls.add(n);
            if (n > limit) {
                throw new OutOfDeviceMemoryException("out of GPU memory: asked for " + n + " latents");
            }
            int e = latentDim();
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] zi = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
                double[] eye = new double[e * e];
                for (int j = 0; j < e; j++) {
                    eye[j * e + j] = 1;
                }
                out[i] = frame == null ? SmallSvd.singularValues(cpu.jvp(zi, eye, e), e, outputDim())
                        : SmallSvd.singularValues(cpu.vjp(zi, frame, k), k, e);
            }
            return out;
        }

        public int latentDim() {
            return cpu.latentDim();
        }

        public int outputDim() {
            return cpu.outputDim();
        }

        public String backendName() {
            return "small device";
        }

        public double[] forward(double[] z, int n) {
            return cpu.forward(z, n);
        }

        public double[] jvp(double[] z, double[] v, int k) {
            return cpu.jvp(z, v, k);
        }

        public double[] vjp(double[] z, double[] u, int k) {
            return cpu.vjp(z, u, k);
        }

        public SignPattern preActivationSigns(double[] z, int n) {
            return cpu.preActivationSigns(z, n);
        }

        public List<String> layerNames() {
            return cpu.layerNames();
        }
    }

    @Test
    void outOfMemoryHalvesTheChunkAndLosesNoLatent() {
        Generator cpu = new CpuBackend(Precision.FLOAT64).load(OnnxImporter.read(
                ModelZoo.mlp(3, "Tanh", 6, 20, 30).toBytes(), "mlp"));
        int n = 37;
        double[] z = Close.gaussian(new SplittableRandom(4), n * 6, 1.0);
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withPolytope(2, 0.05, 1);
        DescriptorBatch ref = new Descriptors(cpu, o).describe(z, n);
        List<Integer> calls = new ArrayList<>();
        DescriptorBatch got = new Descriptors(new SmallDevice(cpu, 5, calls), o).describe(z, n);
        for (int i = 0; i < n; i++) {
            assertEquals(ref.latents().get(i).psi(), got.latents().get(i).psi(), 1e-12, "latent " + i);
            assertEquals(ref.latents().get(i).delta(), got.latents().get(i).delta(), "latent " + i);
        }
        assertEquals(List.of(32, 16, 8, 4), calls.subList(0, 4), "halved until it fits");
        assertTrue(calls.stream().skip(3).allMatch(c -> c <= 5), calls.toString());

        // The next call on the same Descriptors starts at the size that fitted: no new failure.
        Descriptors again = new Descriptors(new SmallDevice(cpu, 5, calls), o);
        again.describe(z, n);
        calls.clear();
        again.describe(z, n);
        assertTrue(calls.stream().allMatch(c -> c <= 4), "remembered: " + calls);

        List<Integer> none = new ArrayList<>();
        assertThrows(OutOfDeviceMemoryException.class,
                () -> new Descriptors(new SmallDevice(cpu, 0, none), o).describe(java.util.Arrays.copyOf(z, 18), 3));
    }
}
