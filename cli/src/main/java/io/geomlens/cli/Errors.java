package io.geomlens.cli;

import io.geomlens.graph.GraphException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns expected failures (bad input, unsupported model, missing file) into one "error:" line
 * and exit code 1; anything else is a bug and keeps its stack trace.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String msg;
        if (e instanceof NoSuchFileException f) {
            msg = "file not found: " + f.getFile() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        } else if (e instanceof IOException || e instanceof IllegalArgumentException
                || e instanceof GraphException || e instanceof IllegalStateException) {
            msg = e.getMessage();
        } else {
            throw new RuntimeException(e);
        }
        cl.getErr().println("error: " + msg);
        return 1;
    }
}
