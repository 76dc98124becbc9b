package dev.sluice.chaos.disk;

import dev.sluice.chaos.net.Shell;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One LazyFS mount: a node's data directory ({@code mountPoint}) served by a {@code lazyfs} process (a child of the
 * test JVM, in the foreground) from a backing directory. Files live in {@code dir}: {@code root/} (the backing
 * directory), {@code lazyfs.toml}, {@code faults.fifo} (commands in), {@code done.fifo} (completions out),
 * {@code lazyfs.log} (its output) and {@code owner-pid} (the JVM that mounted it, for leftover cleanup).
 *
 * <p>Both FIFOs are opened read-write by the harness, which never blocks on a FIFO (a write-only or read-only open
 * would wait for the other side, and a dead LazyFS would hang the nemesis). A reader thread moves the lines LazyFS
 * writes to {@code done.fifo} into a queue. Used by one nemesis at a time; {@link #unmount} runs after the nodes
 * stopped.
 */
final class LazyFsMount {
    private static final String CLEAR_CACHE = "lazyfs::clear-cache";
    private static final String CLEARED = "finished::clear-cache";
    private static final String READER_STOP = "chaos::stop";
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(20);

    private final int nodeId;
    private final Path binary;
    private final Path mountPoint;
    private final Path dir;
    private final BlockingQueue<String> completions = new LinkedBlockingQueue<>();
    private Process process;
    private RandomAccessFile doneFifo;
    private Thread reader;

    LazyFsMount(int nodeId, Path binary, Path mountPoint, Path dir) {
        this.nodeId = nodeId;
        this.binary = binary;
        this.mountPoint = mountPoint;
        this.dir = dir;
    }

    static Path backingDir(Path dir) {
        return dir.resolve("root");
    }

    void mount() throws IOException {
        Files.createDirectories(backingDir(dir));
        Files.createDirectories(mountPoint);
        Path faults = dir.resolve("faults.fifo");
        Path done = dir.resolve("done.fifo");
        for (Path fifo : List.of(faults, done)) {
            if (!Files.exists(fifo)) {
                Shell.check("mkfifo", fifo.toString());
            }
        }
        Path config = dir.resolve("lazyfs.toml");
        Files.writeString(config, LazyFsConfig.toml(faults, done, LazyFsConfig.CACHE_MEGABYTES));
        Files.writeString(dir.resolve("owner-pid"), Long.toString(ProcessHandle.current().pid()));
        doneFifo = new RandomAccessFile(done.toFile(), "rw");
        reader = new Thread(this::readCompletions, "chaos-lazyfs-" + nodeId);
        reader.setDaemon(true);
        reader.start();
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), mountPoint.toString(), "--config-path",
                config.toString(), "-o", "allow_other", "-o", "modules=subdir", "-o", "subdir=" + backingDir(dir),
                "-f").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("lazyfs.log").toFile())).redirectInput(new File("/dev/null"));
        LazyFsBinary.libraryDir(binary).ifPresent(libraries ->
                builder.environment().put("LD_LIBRARY_PATH", libraries.toString()));
        process = builder.start();
        awaitMounted();
    }

    private void awaitMounted() throws IOException {
        long deadline = System.nanoTime() + MOUNT_TIMEOUT.toNanos();
        while (!LazyFsMounts.isLazyFsMount(mountPoint)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String why = process.isAlive() ? "not mounted after " + MOUNT_TIMEOUT.toSeconds() + " s"
                        : "lazyfs exited with " + process.exitValue();
                unmount();
                throw new IOException("LazyFS for node " + nodeId + " on " + mountPoint + ": " + why + " (see "
                        + dir.resolve("lazyfs.log") + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Drops every unsynced byte in the mount's cache and waits (bounded) until LazyFS says it is done. */
    void clearCache(Duration timeout) throws IOException {
        if (process == null || !process.isAlive()) {
            throw new IOException("LazyFS for node " + nodeId + " is not running");
        }
        completions.clear();
        try (RandomAccessFile faults = new RandomAccessFile(dir.resolve("faults.fifo").toFile(), "rw")) {
            faults.write((CLEAR_CACHE + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try {
            String line = completions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!CLEARED.equals(line)) {
                throw new IOException("LazyFS for node " + nodeId + " did not confirm clear-cache within "
                        + timeout.toSeconds() + " s (got " + line + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for LazyFS of node " + nodeId, e);
        }
    }

    /** Unmounts (lazily if busy), waits for the lazyfs process to exit, and stops the reader. Idempotent. */
    void unmount() {
        if (process != null) {
            if (!Shell.run("umount", mountPoint.toString()).ok()) {
                Shell.run("umount", "-l", mountPoint.toString());
            }
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (doneFifo != null) {
            try {
                doneFifo.write((READER_STOP + "\n").getBytes(StandardCharsets.US_ASCII));
                reader.join(2_000);
                doneFifo.close();
            } catch (IOException e) {
                // The reader is a daemon thread; a FIFO that cannot be written leaves it parked until exit.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            doneFifo = null;
        }
    }

    private void readCompletions() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            for (int b = doneFifo.read(); b >= 0; b = doneFifo.read()) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.US_ASCII).trim();
                line.reset();
                if (text.equals(READER_STOP)) {
                    return;
                }
                completions.add(text);
            }
        } catch (IOException e) {
            // Closed under us: the mount is going away.
        }
    }
}
