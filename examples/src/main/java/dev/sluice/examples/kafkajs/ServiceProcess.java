package dev.sluice.examples.kafkajs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One service of the kafkajs example ({@code node <script>}) as a child process. Every line it prints goes to the
 * shared output with the service's name as a prefix; the event ids on its stdout ({@link EventIds}) and the lines on
 * its stderr that are not kafkajs's own log lines (an uncaught error from the guide's {@code .catch(console.error)})
 * are recorded.
 *
 * <p>The two reader threads add under this object's monitor and notify it; {@link #awaitEventIds} and
 * {@link #awaitExit} wait on it, so waiting needs no polling. {@link #stop()} signals only this child, by its pid.
 */
final class ServiceProcess {
    private static final long STOP_GRACE_SECONDS = 10;
    /** How long the output of an exited process may take to be read to its end (its pipe is closed by then). */
    private static final long OUTPUT_DRAIN_MS = 5_000;

    private final String name;
    private final Process process;
    private final Set<String> eventIds = new LinkedHashSet<>();
    private final List<String> errorLines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private int eventLines;

    private ServiceProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    static ServiceProcess start(String name, Path exampleDir, String script, Map<String, String> environment,
                                PrintStream out) {
        ProcessBuilder builder = new ProcessBuilder("node", script).directory(exampleDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new KafkajsSetupException(KafkajsSetupException.Reason.SCRIPT_FAILED,
                    "cannot start node " + script + ": " + e.getMessage());
        }
        ServiceProcess service = new ServiceProcess(name, process);
        String prefix = "[" + name + "] ";
        out.println(prefix + "started node " + script + " (pid " + process.pid() + ")");
        service.readers.add(OutputCopier.start(process.getInputStream(), line -> {
            out.println(prefix + line);
            service.recordOutput(line);
        }, name + "-stdout"));
        service.readers.add(OutputCopier.start(process.getErrorStream(), line -> {
            out.println(prefix + line);
            service.recordError(line);
        }, name + "-stderr"));
        process.onExit().thenRun(service::wakeWaiters);
        return service;
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    private synchronized void recordOutput(String line) {
        EventIds.find(line).ifPresent(id -> {
            eventIds.add(id);
            eventLines++;
        });
        notifyAll();
    }

    private synchronized void recordError(String line) {
        if (!EventIds.isKafkajsLog(line)) {
            errorLines.add(line);
        }
        notifyAll();
    }

    private synchronized void wakeWaiters() {
        notifyAll();
    }

    /** Waits until every id in {@code expected} was printed, the process exits, or the deadline passes. */
    synchronized boolean awaitEventIds(Set<String> expected, long deadlineNanos) throws InterruptedException {
        while (!eventIds.containsAll(expected) && process.isAlive()) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                break;
            }
            // Rounded up, so that returning early means the deadline really passed.
            wait(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1);
        }
        return eventIds.containsAll(expected);
    }

    /**
     * Waits until the process exits, prints an error line, or the deadline passes. The guide's producer prints an
     * error it gave up on and then stays alive (its client is still connected), so an error ends the wait.
     */
    synchronized void awaitExitOrError(long deadlineNanos) throws InterruptedException {
        while (process.isAlive() && errorLines.isEmpty()) {
            long leftNanos = deadlineNanos - System.nanoTime();
            if (leftNanos <= 0) {
                return;
            }
            wait(TimeUnit.NANOSECONDS.toMillis(leftNanos) + 1);
        }
    }

    /**
     * Waits until the process exits and its output has been read to the end (a process's last lines can still be
     * in the pipe when it exits), or the deadline passes; true if it exited.
     */
    boolean awaitExit(long deadlineNanos) throws InterruptedException {
        if (!process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Thread reader : readers) {
            reader.join(OUTPUT_DRAIN_MS);
        }
        return true;
    }

    /** The exit code, or empty while it runs. */
    java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    synchronized Set<String> eventIds() {
        return Set.copyOf(eventIds);
    }

    /** Lines that carried an event id: more than {@code eventIds().size()} when an event was delivered twice. */
    synchronized int eventLines() {
        return eventLines;
    }

    synchronized List<String> errorLines() {
        return List.copyOf(errorLines);
    }

    /** SIGTERM to this child's pid, without waiting: for a shutdown hook. */
    void signalStop() {
        process.destroy();
    }

    /**
     * Stops the process if it still runs: SIGTERM to its pid, then SIGKILL after a grace period. Returns how it
     * ended, for the summary.
     */
    String stop() throws InterruptedException {
        if (!process.isAlive()) {
            return name + " (pid " + process.pid() + ") had exited with code " + process.exitValue();
        }
        process.destroy();
        if (process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            return name + " (pid " + process.pid() + ") stopped";
        }
        process.destroyForcibly();
        process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        return name + " (pid " + process.pid() + ") killed after " + STOP_GRACE_SECONDS + " s";
    }
}
