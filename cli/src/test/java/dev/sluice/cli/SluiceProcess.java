package dev.sluice.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bin/sluice} as a child process, for tests. */
final class SluiceProcess {
    static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("bin/sluice");

    record Result(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
        }
    }

    private SluiceProcess() {
    }

    static ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // The distribution was built by the package phase; a test must never start a nested Maven build.
        builder.environment().put("SLUICE_SKIP_BUILD", "1");
        builder.environment().remove("SLUICE_BROKERS");
        return builder;
    }

    /** Runs to completion (bounded), feeding {@code stdin}, and captures both output streams. */
    static Result run(String stdin, long timeoutSeconds, String... args) throws Exception {
        Process process = builder(List.of(args)).start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command may exit before reading its input (e.g. on a usage error); that is its answer.
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sluice " + String.join(" ", args) + " did not finish in "
                    + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    /** {@link #run} with {@code --brokers BROKERS} appended, as every client command accepts it. */
    static Result runAgainst(String brokers, String stdin, String... args) throws Exception {
        String[] withBrokers = java.util.Arrays.copyOf(args, args.length + 2);
        withBrokers[args.length] = "--brokers";
        withBrokers[args.length + 1] = brokers;
        return run(stdin, 120, withBrokers);
    }

    static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                return buffer.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    static int freePort() throws IOException {
        return dev.sluice.testing.TestPorts.freePort();
    }
}
