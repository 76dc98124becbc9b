package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.client.fake.FakeBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Fuzzes the {@code sluice} command line and the server's config file.
 *
 * <p>{@link #arguments}: argument lists made of the CLI's own words (subcommands, options, values near their edges)
 * and fuzzer strings. Oracles: parsing either succeeds or fails with picocli's {@link ParameterException}, which
 * {@link CliErrors} turns into exit code 2 and one {@code error:} line; a parsed {@code server} command builds its
 * {@link NodeConfig} or refuses with an {@link IllegalArgumentException} with a message (exit code 2), never another
 * exception (a stack trace); a parsed {@code topic}, {@code cluster} or {@code group} command is executed against an
 * in-process {@link FakeBroker} and exits 0, 1 or 2 with no stack trace on stderr. Commands that start nodes, read
 * stdin, follow a log or run for a duration are parsed but not executed.
 *
 * <p>{@link #serverConfigFile}: arbitrary bytes as a {@code --config} file ({@link ConfigFile}, then
 * {@link NodeConfig#parse}): a config or an {@link IllegalArgumentException} with a message, nothing else.
 */
class CliFuzzTest {
    private static final String[] WORDS = {"topic", "create", "list", "describe", "alter", "delete", "cluster",
        "info", "group", "reset-offsets", "partition", "reassign", "produce", "consume", "server", "dev", "demo",
        "perf", "--help", "-h", "--version", "-V", "--partitions", "--replication-factor", "--config",
        "--delete-config", "--internal", "--topic", "--to-earliest", "--to-latest", "--to-offset", "--to-datetime",
        "--shift-by", "--node-id", "--roles", "--data-dir", "--host", "--broker-port", "--controller-port",
        "--http-port", "--controller-quorum", "--rack", "--cluster-id", "--adopt-data-dir", "orders", "0", "-1",
        "1", "3", "2147483648", "retention.ms=1000", "retention.ms", "=", "max.message.bytes=-5", "controller",
        "broker", "controller,broker", "1@localhost:7093", "1@:0", "@x:y", "2026-01-01T00:00:00Z", "yesterday", "",
        " ", "-", "--partitions=", "--brokers"};
    /** Commands executed against the fake broker: request/response only, none reads stdin or waits. */
    private static final Set<String> EXECUTED = Set.of("topic", "cluster", "group");
    private static final FakeBroker BROKER = fakeBroker();
    private static final Path CONFIG_FILE = tempFile();

    @FuzzTest(maxDuration = "10m")
    void arguments(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        for (int i = data.consumeInt(0, 8); i > 0; i--) {
            String word = data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(16);
            // An @ word makes picocli read that file as arguments: the fuzzer must not name /dev/zero.
            args.add(word.startsWith("@") ? word.substring(1) : word);
        }
        String brokers = "--brokers=" + BROKER.address();
        if (!args.isEmpty() && EXECUTED.contains(args.get(0)) && data.consumeBoolean()) {
            args.add(brokers);
        }
        if (args.contains("--config")) {
            writeConfig(data.consumeRemainingAsBytes());
            args.set(args.indexOf("--config"), "--config=" + CONFIG_FILE);
        }
        run(args.toArray(String[]::new), brokers);
    }

    @Test
    void theStackTraceOracleIgnoresAQuotedArgumentThatLooksLikeAFrame() {
        assertThat(hasStackTrace("error: Unmatched arguments from index 0: '\tat ', ''", new String[] {"\tat ", ""}))
                .isFalse();
        assertThat(hasStackTrace("java.lang.IllegalStateException: boom\n\tat dev.sluice.cli.Main.main(Main.java:1)\n",
                new String[] {"topic", "list"})).isTrue();
    }

    @FuzzTest(maxDuration = "10m")
    void serverConfigFile(byte[] bytes) {
        writeConfig(bytes);
        ServerCommand server = new ServerCommand();
        server.configFile = CONFIG_FILE;
        try {
            server.config();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a message", e);
            }
        }
    }

    private static void run(String[] args, String brokers) {
        CommandLine commandLine = Main.commandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            int exit = new CliErrors().handleParseException(e, args);
            checkUsageError(args, exit, err.toString());
            return;
        }
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        if (leaf.commandSpec().userObject() instanceof ServerCommand server) {
            buildConfig(args, server);
        } else if (parsed.subcommand() != null && EXECUTED.contains(parsed.subcommand().commandSpec().name())
                && brokers.equals("--brokers=" + leaf.matchedOptionValue("--brokers", ""))
                && !List.of(args).contains("--")) {
            int exit = Main.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                    .setErr(new PrintWriter(err, true)).execute(args);
            if (exit < 0 || exit > 2 || hasStackTrace(err.toString(), args) || exit != 0
                    && !err.toString().startsWith("error: ") && !err.toString().startsWith("Usage:")) {
                throw new AssertionError("exit " + exit + " for " + List.of(args) + ", stderr: " + err);
            }
        }
    }

    private static void checkUsageError(String[] args, int exit, String err) {
        if (exit != CliErrors.USAGE || !err.startsWith("error: ") || hasStackTrace(err, args)) {
            throw new AssertionError("exit " + exit + " for " + List.of(args) + ", stderr: " + err);
        }
    }

    /**
     * Whether stderr holds a Java stack frame. Error messages quote the arguments, and an argument may itself contain
     * a tab and "at " (the fuzzer found one), so the quoted arguments are taken out first.
     */
    static boolean hasStackTrace(String err, String[] args) {
        String withoutArguments = err;
        for (String arg : args) {
            if (!arg.isEmpty()) {
                withoutArguments = withoutArguments.replace(arg, "");
            }
        }
        return withoutArguments.contains("\tat ");
    }

    private static void buildConfig(String[] args, ServerCommand server) {
        if (server.configFile != null && !server.configFile.equals(CONFIG_FILE)) {
            return; // A file the fuzzer named: not read.
        }
        try {
            server.config();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("refusal without a message for " + List.of(args), e);
            }
        }
    }

    private static void writeConfig(byte[] bytes) {
        try {
            Files.write(CONFIG_FILE, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("sluice-fuzz", ".properties");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FakeBroker fakeBroker() {
        try {
            FakeBroker broker = new FakeBroker();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    broker.close();
                } catch (Exception e) {
                    // The JVM is exiting; nothing to clean up after.
                }
            }));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
