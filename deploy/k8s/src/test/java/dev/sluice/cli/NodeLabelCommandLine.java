package dev.sluice.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * What {@code sluice kube node-label} would read and write for a command line, by the command's own parser, without
 * running it; the chart tests use it on the rack init container's command.
 */
public final class NodeLabelCommandLine {
    private NodeLabelCommandLine() {
    }

    /** The label read and the file written. */
    public record Parsed(String label, Path out, String node) {
    }

    /** @param arguments the arguments after the launcher, starting with {@code kube} */
    public static Parsed parse(List<String> arguments) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(arguments.toArray(String[]::new));
        CommandLine.ParseResult leaf = result;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        if (!(leaf.commandSpec().userObject() instanceof KubeCommand.NodeLabelCommand command)) {
            throw new IllegalArgumentException("not a 'kube node-label' command line: " + arguments);
        }
        return new Parsed(command.label, command.out, command.node);
    }
}
