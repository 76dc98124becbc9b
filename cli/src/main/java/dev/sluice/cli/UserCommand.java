package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.UserDescription;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice user create|delete|list}: SCRAM users. The new user's password is read from a file, the environment
 * or the terminal, never from the command line (it would show in the shell history and the process list), and the
 * credential is derived here: only the salt, iteration count, StoredKey and ServerKey reach the cluster.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "SCRAM users (authentication).",
        subcommands = {UserCommand.Create.class, UserCommand.Delete.class, UserCommand.ListUsers.class})
public final class UserCommand implements Runnable {
    /** The new user's password, when neither --new-password-file nor a terminal is there. */
    public static final String NEW_PASSWORD_ENV = "SLUICE_NEW_PASSWORD";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, delete or list");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user, or replace its credential for the mechanism (a new password).")
    static final class Create implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--mechanism", defaultValue = "SCRAM-SHA-512",
                description = "SCRAM-SHA-256 or SCRAM-SHA-512 (default: ${DEFAULT-VALUE}); run twice for both.")
        String mechanism;
        @Option(names = "--iterations", defaultValue = "4096",
                description = "PBKDF2 iterations, at least 4096 (default: ${DEFAULT-VALUE}).")
        int iterations;
        @Option(names = "--new-password-file", paramLabel = "FILE",
                description = "A file whose first line is the new user's password (else $" + NEW_PASSWORD_ENV
                        + ", else a prompt).")
        Path passwordFile;

        @Override
        public Integer call() {
            if (iterations < 4096) {
                throw new ParameterException(spec.commandLine(), "--iterations must be at least 4096");
            }
            char[] password = newPassword(spec);
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                admin.createUser(name, mechanism, password, iterations);
            } finally {
                Arrays.fill(password, '\0');
            }
            spec.commandLine().getOut().println("created user " + name + " (" + mechanism.toUpperCase(
                    java.util.Locale.ROOT) + ", " + iterations + " iterations)");
            return 0;
        }

        private char[] newPassword(CommandSpec spec) {
            if (passwordFile != null) {
                return BrokerOptions.firstLine(passwordFile);
            }
            String value = System.getenv(NEW_PASSWORD_ENV);
            if (value != null) {
                return value.toCharArray();
            }
            Console console = System.console();
            if (console == null) {
                throw new ParameterException(spec.commandLine(), "no password: give --new-password-file or $"
                        + NEW_PASSWORD_ENV + " (no terminal to ask on)");
            }
            char[] first = console.readPassword("Password for %s: ", name);
            char[] second = console.readPassword("Again: ");
            if (first == null || first.length == 0 || !Arrays.equals(first, second)) {
                throw new ParameterException(spec.commandLine(), "the passwords are empty or differ");
            }
            return first;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a user's credentials; it cannot authenticate any more and its sessions end.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                admin.deleteUser(name);
            }
            spec.commandLine().getOut().println("deleted user " + name);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Users with their mechanisms.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<UserDescription> users;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                users = admin.describeUsers();
            }
            PrintWriter out = spec.commandLine().getOut();
            Table table = new Table("USER", "MECHANISMS");
            for (UserDescription user : users) {
                Map<String, Integer> sorted = new TreeMap<>(user.iterationsByMechanism());
                table.row(user.user(), String.join(",", sorted.keySet()));
            }
            table.print(out);
            return 0;
        }
    }
}
