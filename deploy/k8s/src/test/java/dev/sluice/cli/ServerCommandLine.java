package dev.sluice.cli;

import dev.sluice.broker.server.NodeConfig;
import java.util.List;
import picocli.CommandLine;

/**
 * The settings {@code sluice server} would start with for a command line, read by the command's own parser (its
 * options, the config file they name, the flags layered over it, NodeConfig's checks) without starting anything. In
 * this package because {@link ServerCommand#config()} is the command's, not a public API; the chart tests use it to
 * check the command line start.sh builds.
 */
public final class ServerCommandLine {
    private ServerCommandLine() {
    }

    /** @param arguments the arguments after the main class, starting with {@code server} */
    public static NodeConfig parse(List<String> arguments) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(arguments.toArray(String[]::new));
        if (!result.hasSubcommand() || !(result.subcommand().commandSpec().userObject() instanceof ServerCommand)) {
            throw new IllegalArgumentException("not a server command line: " + arguments);
        }
        ServerCommand command = (ServerCommand) result.subcommand().commandSpec().userObject();
        return command.config();
    }
}
