package dev.sluice.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes the small files a node must find again after a crash or a power cut (such as {@code meta.properties}) so
 * that a reader sees either the old content or the new one, whole: never an empty or partial file.
 *
 * <p>Why each step: a rename is atomic but not durable, and the file's data is not on disk just because its name
 * is. Without the file fsync, a power cut soon after the rename can leave the new name on an empty file (ext4 and
 * xfs may commit the rename's metadata before the data blocks); without the directory fsync, the rename itself (or a
 * new file's name) may be lost. So: write a temporary file in the same directory, force it, rename it over the
 * target, force the directory.
 *
 * <p>Stateless and thread-safe, but two writers of one file must not run at once (they share the temporary file).
 */
public final class DurableFiles {
    /** Suffix of the temporary file next to the target; a crash may leave one behind, and the next write reuses it. */
    public static final String TEMPORARY_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Replaces {@code file}'s content with {@code content} atomically and durably, as described above. */
    public static void replace(Path file, byte[] content) throws IOException {
        Path directory = file.toAbsolutePath().normalize().getParent();
        Path temporary = directory.resolve(file.getFileName() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        syncDirectory(directory);
    }

    /**
     * Creates {@code directory} and any missing parent, and makes each new name durable by forcing the directory
     * that holds it (a directory created just before a power cut may otherwise vanish with what was written in it).
     */
    public static void createDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path path = absolute; path != null && !Files.exists(path); path = path.getParent()) {
            missing.push(path);
        }
        Files.createDirectories(absolute);
        for (Path created : missing) {
            syncDirectory(created.getParent());
        }
    }

    /**
     * Forces a directory's entries (names created, renamed or removed in it) to disk. Opening a directory for reading
     * and forcing the channel is what works on Linux; a platform that refuses it throws.
     */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
