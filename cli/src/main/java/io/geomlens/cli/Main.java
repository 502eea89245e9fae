package io.geomlens.cli;

import io.geomlens.linalg.Gemm;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: geomlens <command> [options]. */
@Command(name = "geomlens", mixinStandardHelpOptions = true, version = "geomlens 0.1.0",
        description = "Local geometry of deep generative models: local scaling psi, local rank nu,"
                + " local complexity delta.",
        subcommands = {DescribeCommand.class, HessianCommand.class, MapCommand.class, LevelSetsCommand.class,
            BenchCommand.class, InvertCommand.class, InfoCommand.class, VerifyCommand.class, ZooCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns the exit code (0 ok, 1 failure, 2 bad usage). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs with the given standard output and error (tests capture them). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new Errors());
        String badGemm = Gemm.choiceError();   // said up front, not as a failure of the model's first layer
        if (badGemm != null) {
            err.println("error: " + badGemm);
            err.flush();
            return 1;
        }
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError oom) {   // an Error, so picocli passes it on; the heap is free again here
            err.println("error: " + Errors.outOfHeap());
            code = 1;
        }
        out.flush();
        err.flush();
        return code;
    }
}
