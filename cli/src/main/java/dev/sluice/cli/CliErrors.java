package dev.sluice.cli;

import dev.sluice.client.SluiceException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one {@code error: ...} line on stderr and a non-zero exit code: 2 for usage
 * mistakes, 1 for failed operations. Stack traces are for bugs, which users should not meet.
 */
public final class CliErrors implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Exit code of a failed operation. */
    public static final int FAILED = 1;
    /** Exit code of a usage mistake. */
    public static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("error: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        err.println("error: " + describe(ex));
        err.flush();
        return ex instanceof IllegalArgumentException ? USAGE : FAILED;
    }

    /** A one-line description of a failure. */
    public static String describe(Throwable ex) {
        Throwable current = ex;
        while (current.getCause() != null && !(current instanceof SluiceException)
                && !(current instanceof IllegalArgumentException) && current.getCause() != current) {
            current = current.getCause();
        }
        String message = current.getMessage();
        if (message == null || message.isBlank()) {
            message = current.getClass().getSimpleName();
        } else if (!(current instanceof SluiceException) && !(current instanceof IllegalArgumentException)
                && !(current instanceof IllegalStateException)) {
            message = current.getClass().getSimpleName() + ": " + message;
        }
        return message.lines().findFirst().orElse(message);
    }
}
