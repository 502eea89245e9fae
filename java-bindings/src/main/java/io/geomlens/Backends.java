package io.geomlens;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.graph.Precision;
import java.util.function.Consumer;

/**
 * Picks a backend: the system property geomlens.backend (cpu|cuda|auto, default auto) or the
 * caller's choice. auto falls back to the CPU and says why in one line.
 */
public final class Backends {
    public static final String PROPERTY = "geomlens.backend";

    private Backends() {}

    public static Backend select(String choice, Consumer<String> log) {
        String c = choice == null ? System.getProperty(PROPERTY, "auto") : choice;
        return switch (c.toLowerCase()) {
            case "cpu" -> new CpuBackend(Precision.FLOAT32);
            case "cpu64" -> new CpuBackend(Precision.FLOAT64);
            case "cuda" -> throw new IllegalStateException(cudaUnavailable());
            case "auto" -> {
                log.accept("geomlens: using the CPU backend (" + cudaUnavailable() + ")");
                yield new CpuBackend(Precision.FLOAT32);
            }
            default -> throw new IllegalArgumentException("unknown backend '" + c + "'; use cpu, cpu64, cuda or auto");
        };
    }

    private static String cudaUnavailable() {
        return "the CUDA backend is not part of this build yet";
    }
}
