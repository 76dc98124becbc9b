package dev.sluice.cli;

import picocli.CommandLine;

/** Entry point of the {@code sluice} command: runs picocli and exits with its exit code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line: user mistakes (bad arguments, unknown topics, unreachable brokers)
     * print one {@code error: ...} line on stderr and exit non-zero, never a stack trace.
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SluiceCommand());
        commandLine.setExecutionExceptionHandler(new CliErrors());
        commandLine.setParameterExceptionHandler(new CliErrors());
        return commandLine;
    }
}
