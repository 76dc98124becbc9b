package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.disk.LazyFsDisks;
import dev.sluice.chaos.net.Shell;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A broker whose data disk fills up. {@link #prepare} mounts a small tmpfs as one broker's data dir before the cluster
 * starts; the fault writes a filler file until the disk is full; heal deletes it and restarts the broker if it died.
 * {@link #close} unmounts. Needs root (mount).
 *
 * <p>When the data dirs are on LazyFS (a power nemesis runs too), the tmpfs is the broker's LazyFS backing directory
 * instead, and the filler is written through the data dir with an fsync every {@value #FSYNC_EVERY_CHUNKS} MiB: LazyFS
 * keeps unsynced writes in its cache, so the disk runs out when data is synced (as with a real page cache: the write
 * succeeds, the fsync or the flush fails).
 */
public final class DiskFullNemesis implements Nemesis {
    private static final String SIZE = "256m";
    private static final int CHUNK_BYTES = 1 << 20;
    static final int FSYNC_EVERY_CHUNKS = 16;
    private int broker = -1;
    private Path filler;
    private Path tmpfs;

    @Override
    public String name() {
        return "disk-full";
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        return Shell.isRoot() ? Optional.empty() : Optional.of("not root: cannot mount a tmpfs");
    }

    @Override
    public void prepare(NemesisContext context) throws IOException {
        broker = context.pick(context.cluster().topology().brokerIds());
        Path dataDir = context.cluster().dataDir(broker);
        tmpfs = context.disks().mounted() ? LazyFsDisks.backingDir(context.cluster().nodeDir(broker)) : dataDir;
        Files.createDirectories(tmpfs);
        Shell.check("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", tmpfs.toString());
        filler = dataDir.resolve("chaos-filler");
    }

    @Override
    public String start(NemesisContext context) throws IOException {
        long written = 0;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (true) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    written += out.write(chunk);
                }
                if ((written / CHUNK_BYTES) % FSYNC_EVERY_CHUNKS == 0) {
                    out.force(false);
                }
            }
        } catch (IOException e) {
            // Expected: "No space left on device" (on a write, or on an fsync through LazyFS) is the point.
        }
        return "fill node " + broker + "'s " + SIZE + " tmpfs data disk (" + (written >> 20) + " MiB filler)";
    }

    @Override
    public String heal(NemesisContext context) throws IOException {
        Files.deleteIfExists(filler);
        if (!context.cluster().isAlive(broker)) {
            context.cluster().start(broker);
            return "delete filler; node " + broker + " had died, restarted";
        }
        return "delete filler on node " + broker;
    }

    @Override
    public void close(NemesisContext context) {
        if (tmpfs != null) {
            Shell.run("umount", "-l", tmpfs.toString());
        }
    }
}
