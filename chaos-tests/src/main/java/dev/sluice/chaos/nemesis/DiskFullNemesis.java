package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.net.Shell;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A broker whose data disk fills up. {@link #prepare} mounts a small tmpfs as one broker's data dir before the cluster
 * starts; the fault writes a filler file until the disk is full; heal deletes it and restarts the broker if it died.
 * {@link #close} unmounts. Needs root (mount).
 *
 * <p>Not with the power nemeses: their data dirs are on LazyFS, which hides a full disk below it (its fsync reports
 * success when writing back fails for lack of space, checked by hand with a 32 MiB tmpfs under it), so the broker
 * would never see the full disk. {@link #unavailableReason} says so once LazyFS is mounted.
 */
public final class DiskFullNemesis implements Nemesis {
    private static final String SIZE = "256m";
    private static final int CHUNK_BYTES = 1 << 20;
    private int broker = -1;
    private Path filler;

    @Override
    public String name() {
        return "disk-full";
    }

    @Override
    public Optional<String> unavailableReason(NemesisContext context) {
        if (!Shell.isRoot()) {
            return Optional.of("not root: cannot mount a tmpfs");
        }
        if (context.disks().mounted()) {
            return Optional.of("the data dirs are on LazyFS (power nemeses in this run), which hides a full disk "
                    + "below it: run disk-full without power-loss and power-loss-all");
        }
        return Optional.empty();
    }

    @Override
    public void prepare(NemesisContext context) throws IOException {
        broker = context.pick(context.cluster().topology().brokerIds());
        Path dataDir = context.cluster().dataDir(broker);
        Files.createDirectories(dataDir);
        Shell.check("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", dataDir.toString());
        filler = dataDir.resolve("chaos-filler");
    }

    @Override
    public String start(NemesisContext context) throws IOException {
        long written = 0;
        byte[] chunk = new byte[CHUNK_BYTES];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            // Expected: "No space left on device" is the point.
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
        if (broker > 0) {
            Shell.run("umount", "-l", context.cluster().dataDir(broker).toString());
        }
    }
}
