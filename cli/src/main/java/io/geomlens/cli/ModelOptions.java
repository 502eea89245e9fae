package io.geomlens.cli;

import io.geomlens.Backend;
import io.geomlens.Backends;
import io.geomlens.graph.Graph;
import io.geomlens.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** --model and --backend, shared by every command that runs a model (a picocli mixin). */
final class ModelOptions {
    @Option(names = "--model", required = true, description = "ONNX model file (as torch.onnx.export writes it).")
    Path model;

    @Option(names = "--backend", description = "cpu, cpu64, cuda or auto (default: -Dgeomlens.backend, else auto).")
    String backend;

    Graph graph() throws IOException {
        return OnnxImporter.read(model);
    }

    /** The chosen backend; auto's fallback reason goes to log. */
    Backend backend(Consumer<String> log) {
        return Backends.select(backend, log);
    }
}
