package io.geomlens.cli;

import io.geomlens.onnx.DiffusionDecoder;
import io.geomlens.onnx.ModelZoo;
import io.geomlens.onnx.StyleGanLite;
import io.geomlens.onnx.OnnxModelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** geomlens zoo: writes the seeded reference generators (the benchmark shapes) as ONNX. */
@Command(name = "zoo", mixinStandardHelpOptions = true,
        description = "Write a seeded random generator as ONNX: mlp (16-512-512-784), conv (32 -> 28x28),"
                + " dcgan (100 -> 3x64x64), vae (a latent-diffusion VAE decoder, 4x8x8 -> 3x16x16, GroupNorm,"
                + " SiLU, attention), cgan (class-conditional MLP: z 16 + label of 10 classes -> 784; use --fix"
                + " label=K), stylegan (StyleGAN2-style mapping + modulated convs, 64 -> 3x8x8) or demo"
                + " (16-64-64-784, GELU).")
final class ZooCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kind", required = true, description = "mlp, conv, dcgan, vae, cgan, stylegan or demo.")
    String kind;

    @Option(names = "--seed", defaultValue = "2026", description = "Weight seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Where to write the .onnx file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        OnnxModelBuilder m = switch (kind) {
            case "mlp" -> ModelZoo.mlp(seed, "Relu", 16, 512, 512, 784);
            case "conv" -> ModelZoo.convDecoder(seed, 32);
            case "dcgan" -> ModelZoo.dcgan(seed, 100, 64, 3);
            case "vae" -> DiffusionDecoder.build(seed, 4, 8, 64, 32);
            case "cgan" -> ModelZoo.conditionalMlp(seed, 10, 8, 16, 256, 784);
            case "stylegan" -> StyleGanLite.build(seed, 64, 32);
            case "demo" -> ModelZoo.mlp(seed, "GeluErf", 16, 64, 64, 784);
            default -> throw new ParameterException(spec.commandLine(),
                    "--kind '" + kind + "' is not mlp, conv, dcgan, vae, cgan, stylegan or demo");
        };
        Options.folder(out.getParent());
        m.write(out);
        spec.commandLine().getErr().println("geomlens: wrote " + out + " (" + Files.size(out) + " bytes)");
        return 0;
    }
}
