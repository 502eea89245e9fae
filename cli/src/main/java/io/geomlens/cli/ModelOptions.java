package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Backends;
import io.geomlens.graph.Graph;
import io.geomlens.io.Npy;
import io.geomlens.onnx.ImportOptions;
import io.geomlens.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** --model, --fix and --backend, shared by every command that runs a model (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "ONNX model file (as torch.onnx.export writes it).")
    Path model;

    @Option(names = "--fix", paramLabel = "NAME=VALUES",
            description = "Value of a model input other than the latent (a class label, a timestep), the same for"
                    + " every latent: numbers (label=3, cond=0.5,0.1) or a .npy file (cond=@c.npy). Repeatable.")
    List<String> fixes = List.of();

    @Option(names = "--output", paramLabel = "NAME",
            description = "For a model with several outputs: the one to study (its name in the ONNX graph).")
    String output;

    @Option(names = "--backend", description = "cpu, cpu64, cuda or auto (default: -Dgeomlens.backend, else auto).")
    String backend;

    Graph graph() throws IOException {
        return OnnxImporter.read(model, ImportOptions.DEFAULTS.withFixed(fixedInputs()).withOutput(output));
    }

    /** --fix values by input name; a malformed one is an IllegalArgumentException naming it. */
    Map<String, double[]> fixedInputs() throws IOException {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String f : fixes) {
            int eq = f.indexOf('=');
            if (eq <= 0 || eq == f.length() - 1) {
                throw new IllegalArgumentException("--fix '" + f + "' is not NAME=VALUES (e.g. --fix label=3)");
            }
            String name = f.substring(0, eq);
            String value = f.substring(eq + 1);
            double[] v;
            if (value.startsWith("@")) {
                v = Npy.read(Path.of(value.substring(1))).data();
            } else {
                try {
                    v = java.util.Arrays.stream(value.split(",")).map(String::trim).mapToDouble(Double::parseDouble)
                            .toArray();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--fix " + name + ": '" + value + "' is not a comma-separated"
                            + " list of numbers or @file.npy");
                }
            }
            if (out.put(name, v) != null) {
                throw new IllegalArgumentException("--fix gives input '" + name + "' twice");
            }
        }
        return out;
    }

    /** The chosen backend; auto's fallback reason goes to log. */
    Backend backend(Consumer<String> log) {
        return Backends.select(backend, log);
    }
}
