package io.geomlens;

import io.geomlens.cpu.CpuBackend;
import io.geomlens.cuda.CudaBackend;
import io.geomlens.graph.Precision;
import java.util.function.Consumer;

/**
 * Picks a backend: the caller's choice, else the system property geomlens.backend
 * (cpu|cpu64|cuda|auto, default auto). auto uses CUDA when the library loads and a GPU is there,
 * otherwise the CPU, and says why in one line.
 */
public final class Backends {
    public static final String PROPERTY = "geomlens.backend";

    private Backends() {}

    public static Backend select(String choice, Consumer<String> log) {
        String c = choice == null ? System.getProperty(PROPERTY, "auto") : choice;
        return switch (c.toLowerCase()) {
            case "cpu" -> new CpuBackend(Precision.FLOAT32);
            case "cpu64" -> new CpuBackend(Precision.FLOAT64);
            case "cuda" -> openCuda();
            case "auto" -> {
                try {
                    yield openCuda();
                } catch (RuntimeException e) {
                    log.accept("geomlens: using the CPU backend (" + e.getMessage() + ")");
                    yield new CpuBackend(Precision.FLOAT32);
                }
            }
            default -> throw new IllegalArgumentException("unknown backend '" + c + "'; use cpu, cpu64, cuda or auto");
        };
    }

    private static Backend openCuda() {
        try {
            return CudaBackend.open(0);
        } catch (io.geomlens.internal.ffi.NativeLibraryException | io.geomlens.internal.ffi.NativeCallException e) {
            throw new IllegalStateException("CUDA backend unavailable: " + e.getMessage(), e);
        }
    }
}
