package io.geomlens.onnx;

import static io.geomlens.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomlens.Generator;
import io.geomlens.cpu.CpuBackend;
import io.geomlens.descriptors.DescriptorBatch;
import io.geomlens.descriptors.DescriptorOptions;
import io.geomlens.descriptors.Descriptors;
import io.geomlens.descriptors.Route;
import io.geomlens.graph.Precision;
import io.geomlens.testing.TorchExport;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Genuine torch.onnx.export output (MLP, conv decoder, DCGAN, LayerNorm/GELU MLP, bilinear
 * upsampling with BatchNorm, latent-diffusion VAE decoder with GroupNorm and attention, CycleGAN,
 * sub-pixel, pooling / F.normalize / Softsign / var / spectral_norm, and the rest of fixtures.py),
 * from torch 1.13 and from torch 2.13's TorchScript and dynamo exporters, against torch's own
 * float64 numbers: forward, psi/nu/rank of J, and sign changes per layer.
 */
class TorchExportsTest {
    @ParameterizedTest
    @MethodSource("io.geomlens.testing.TorchExport#names")
    void forwardAndDescriptorsMatchTorchInFloat64(String name) {
        TorchExport t = TorchExport.load(name);
        Generator g = new CpuBackend(Precision.FLOAT64).load(t.graph());
        int n = t.latents();
        // Not tighter: the exporter folds Conv + BatchNorm into float32 weights (upsample), so the
        // ONNX model is torch's up to float32 rounding of those weights (slack: where it is not).
        double slack = t.slack();
        assertClose(t.x().data(), g.forward(t.z().data(), n), 1e-7 * slack, 1e-6 * slack, name + " forward");
        DescriptorOptions o = DescriptorOptions.DEFAULTS.withRoute(Route.EXACT).withComplexity(false);
        DescriptorBatch d = new Descriptors(g, o).describe(t.z().data(), n);
        for (int i = 0; i < n; i++) {
            double[] ref = TorchExport.row(t.ref(), i);
            var got = d.latents().get(i);
            assertClose(new double[] {ref[0], ref[1]}, new double[] {got.psi(), got.nu()}, 1e-6 * slack, 1e-8,
                    name + " psi, nu of latent " + i);
            assertEquals((int) ref[2], got.rank(), name + " rank of latent " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("io.geomlens.testing.TorchExport#names")
    void signChangesPerLayerMatchTorchHooks(String name) {
        TorchExport t = TorchExport.load(name);
        Generator g = new CpuBackend(Precision.FLOAT64).load(t.graph());
        int vertices = 2 * t.basis().rows();
        for (int i = 0; i < t.latents(); i++) {
            long[] got = g.preActivationSigns(t.vertices(i), vertices).changedPerLayer(0, vertices);
            long[] ref = Arrays.stream(TorchExport.row(t.delta(), i)).mapToLong(v -> (long) v).toArray();
            assertArrayEquals(ref, got, name + " latent " + i + ": layers " + g.preActivationSigns(t.latent(i), 1).layers());
        }
    }
}
