package io.geomlens.cli;

import io.geomlens.graph.GraphException;
import io.geomlens.internal.ffi.NativeCallException;
import io.geomlens.internal.ffi.OutOfDeviceMemoryException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns expected failures (bad input, unsupported model, missing file, a GPU out of memory or a
 * failed CUDA call, named by the native library) into one "error:" line and exit code 1; anything
 * else is a bug and keeps its stack trace.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String msg;
        if (e instanceof NoSuchFileException f) {
            msg = "file not found: " + f.getFile() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
        } else if (e instanceof OutOfDeviceMemoryException) {
            msg = e.getMessage() + " (or run on the CPU: --backend cpu)";
        } else if (e instanceof NativeCallException || e instanceof IOException
                || e instanceof IllegalArgumentException || e instanceof GraphException
                || e instanceof IllegalStateException) {
            msg = e.getMessage();
        } else {
            throw new RuntimeException(e);
        }
        cl.getErr().println("error: " + msg);
        return 1;
    }

    /** The Java heap ran out: how large it was and how to give it more. */
    static String outOfHeap() {
        long mib = Runtime.getRuntime().maxMemory() >> 20;
        String max = mib < 1024 ? mib + " MiB" : String.format("%.1f GiB", mib / 1024.0);
        return "out of Java heap memory (the JVM may use at most " + max + "); give it more with java -Xmx<size>"
                + " (bin/geomlens: GEOMLENS_JAVA_OPTS=-Xmx16g), or ask for less at once (fewer latents, a smaller"
                + " --k or --top)";
    }
}
