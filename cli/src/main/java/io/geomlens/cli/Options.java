package io.geomlens.cli;

import io.geomlens.descriptors.Route;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option parsing shared by several commands, with the same messages everywhere. */
final class Options {
    private Options() {}

    static Route route(String value, CommandSpec spec) {
        try {
            return Route.valueOf(value.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--route '" + value + "' is not exact, projected or auto");
        }
    }
}
