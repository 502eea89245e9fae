package io.geomlens.cli;

import io.geomlens.descriptors.Route;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option parsing shared by several commands, with the same messages everywhere. */
final class Options {
    private Options() {}

    /**
     * HVPs per Lanczos call: as given, else min(top, 10) on every backend (one batched JVP and VJP
     * beat ten single ones on the CPU too: 1.1-2.4x on the benchmark models, same eigenvalues).
     */
    static int lanczosBlock(Integer given, int top, CommandSpec spec) {
        int b = given != null ? given : Math.min(top, 10);
        if (b < 1) {
            throw new ParameterException(spec.commandLine(), "--block " + b + " must be at least 1");
        }
        return b;
    }

    /** Creates a folder (and parents) or says plainly which output folder cannot be made. */
    static void folder(java.nio.file.Path dir) throws java.io.IOException {
        if (dir == null) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.IOException("cannot create the output folder " + dir + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
    }

    static Route route(String value, CommandSpec spec) {
        try {
            return Route.valueOf(value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--route '" + value + "' is not exact, projected or auto");
        }
    }
}
