package dev.sluice.examples.kafkajs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the kafkajs example runnable by running its own {@code install-node.sh} (node and npm from the PATH or
 * Debian's packages, then {@code npm ci}). The script runs only when {@code node_modules} is missing or {@code node}
 * does not start, so a prepared checkout costs nothing. Its exit code becomes a typed {@link KafkajsSetupException}.
 *
 * <p>Called from one thread; blocks while the script runs.
 */
public final class KafkajsInstall {
    static final String SCRIPT = "install-node.sh";
    private static final long SCRIPT_TIMEOUT_SECONDS = 600;
    private static final int EXIT_NODE_UNAVAILABLE = 3;
    private static final int EXIT_PACKAGES_NOT_INSTALLED = 4;

    private KafkajsInstall() {
    }

    /** Runs the install script if needed; its messages go to {@code out}, prefixed. */
    public static void ensureReady(Path exampleDir, PrintStream out) {
        if (Files.isDirectory(exampleDir.resolve("node_modules").resolve("kafkajs")) && nodeStarts()) {
            return;
        }
        Path script = exampleDir.resolve(SCRIPT);
        if (!Files.isRegularFile(script)) {
            throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED,
                    "no " + SCRIPT + " in " + exampleDir.toAbsolutePath() + " (is this a Sluice checkout?)");
        }
        int exitCode = runScript(script, out);
        switch (exitCode) {
            case 0 -> { }
            case EXIT_NODE_UNAVAILABLE -> throw new KafkajsSetupException(
                    KafkajsSetupException.Reason.NODE_UNAVAILABLE,
                    "Node.js 18+ and npm are not installed and " + SCRIPT + " could not install them"
                            + " (see its messages above)");
            case EXIT_PACKAGES_NOT_INSTALLED -> throw new KafkajsSetupException(
                    KafkajsSetupException.Reason.PACKAGES_NOT_INSTALLED,
                    "npm ci failed in " + exampleDir.toAbsolutePath() + " (see its messages above)");
            default -> throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED,
                    SCRIPT + " failed with exit code " + exitCode);
        }
    }

    private static int runScript(Path script, PrintStream out) {
        Process process;
        try {
            process = new ProcessBuilder(List.of("bash", script.toAbsolutePath().toString()))
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED,
                    "cannot run " + script + ": " + e.getMessage());
        }
        Thread copier = OutputCopier.start(process.getInputStream(), line -> out.println("[install] " + line),
                "install-node-output");
        try {
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED,
                        SCRIPT + " did not finish within " + SCRIPT_TIMEOUT_SECONDS + " s; stopped it (pid "
                                + process.pid() + ")");
            }
            copier.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED, "interrupted");
        }
        return process.exitValue();
    }

    /** Whether a {@code node} on the PATH runs at all (the script checks the version). */
    private static boolean nodeStarts() {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
