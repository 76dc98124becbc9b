package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers {@code --help} and {@code -h} with its usage and exit code 0. */
class HelpOptionTest {
    @Test
    void everyCommandPrintsItsUsage() {
        List<String[]> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (String[] path : paths) {
            for (String flag : new String[] {"--help", "-h"}) {
                String[] args = new String[path.length + 1];
                System.arraycopy(path, 0, args, 0, path.length);
                args[path.length] = flag;
                CommandLine cli = Main.commandLine();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                cli.setOut(new PrintWriter(out));
                cli.setErr(new PrintWriter(err));
                int exit = cli.execute(args);
                assertThat(exit).as(String.join(" ", args) + ": " + err).isZero();
                assertThat(out.toString()).as(String.join(" ", args)).startsWith("Usage: sluice");
            }
        }
    }

    private static void collect(CommandLine command, List<String> prefix, List<String[]> paths) {
        paths.add(prefix.toArray(String[]::new));
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
            }
            List<String> next = new ArrayList<>(prefix);
            next.add(name);
            collect(sub, next, paths);
        });
    }
}
