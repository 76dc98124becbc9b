package dev.sluice.chaos.net;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short system commands ({@code ip}, {@code iptables}, {@code tc}, {@code mount}) with a bounded wait. Called from
 * the runner and nemesis threads; stateless.
 */
public final class Shell {
    private static final long TIMEOUT_SECONDS = 30;

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {
    }

    public static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs and throws when the command fails: for set-up steps that must succeed. */
    public static String check(String... command) {
        Result result = run(command);
        if (!result.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.exitCode() + "): "
                    + result.output());
        }
        return result.output();
    }

    public static boolean onPath(String tool) {
        return run("sh", "-c", "command -v " + tool).ok();
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || run("id", "-u").output().equals("0");
    }
}
