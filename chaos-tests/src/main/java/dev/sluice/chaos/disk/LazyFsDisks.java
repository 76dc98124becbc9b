package dev.sluice.chaos.disk;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.net.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The nodes' data directories on LazyFS, for the power-loss nemeses: one mount per node, each with its own cache,
 * so that one node (or every node) can lose its unsynced data while the others keep theirs. Nothing happens unless
 * a power nemesis asks: {@link #unavailableReason} locates (or builds) LazyFS once per run, {@link #require} records
 * that the data dirs will be on it, {@link #mountAll} mounts before the nodes start ({@link #mounted} then tells
 * other nemeses, such as disk-full, which cannot work on LazyFS), {@link #close} unmounts after they stopped (also
 * from a shutdown hook on Ctrl-C). Mounts that a crashed run left below the same report root are unmounted first.
 *
 * <p>A node's LazyFS files live in {@code <nodeDir>/lazyfs/}; its bytes land in {@code <nodeDir>/lazyfs/root/}.
 * Thread-safe (synchronized): the runner thread mounts and unmounts, the nemesis thread clears.
 */
public final class LazyFsDisks implements AutoCloseable {
    private static final Duration CLEAR_TIMEOUT = Duration.ofSeconds(30);

    private final Path repositoryRoot;
    private final Path runDir;
    private final Map<Integer, LazyFsMount> mounts = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::unmountAll, "chaos-lazyfs-cleanup");
    private LazyFsBinary.Located located;
    private String mountFailure;
    private boolean required;
    private boolean hooked;

    /** {@code runDir}: the run's report directory ({@code <reportRoot>/<time>-seed<S>}). */
    public LazyFsDisks(Path repositoryRoot, Path runDir) {
        this.repositoryRoot = repositoryRoot;
        this.runDir = runDir;
    }

    /**
     * Empty when LazyFS can be mounted here (found or built now); otherwise why not. Decided once per run, and
     * changed only by a failed {@link #mountAll}.
     */
    public synchronized Optional<String> unavailableReason() {
        if (located == null) {
            located = LazyFsBinary.locate(repositoryRoot, runDir);
        }
        return Optional.ofNullable(mountFailure).or(() -> Optional.ofNullable(located.unavailableReason()));
    }

    /** Records that the data dirs go on LazyFS (a power nemesis will run). Requires LazyFS to be available. */
    public synchronized void require() {
        Optional<String> reason = unavailableReason();
        if (reason.isPresent()) {
            throw new IllegalStateException("LazyFS is unavailable: " + reason.get());
        }
        required = true;
    }

    public synchronized boolean required() {
        return required;
    }

    /**
     * Mounts LazyFS on every node's data dir, before the nodes start; idempotent. On failure nothing stays mounted,
     * {@link #unavailableReason} reports the failure from then on, and the data dirs stay plain directories.
     */
    public synchronized void mountAll(ChaosCluster cluster) throws IOException {
        if (!mounts.isEmpty()) {
            return;
        }
        require();
        removeLeftovers(runDir.getParent());
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hooked = true;
        }
        try {
            for (int nodeId : cluster.topology().nodeIds()) {
                LazyFsMount mount = new LazyFsMount(nodeId, located.binary(), cluster.dataDir(nodeId),
                        cluster.nodeDir(nodeId).resolve("lazyfs"));
                mounts.put(nodeId, mount);
                mount.mount();
            }
        } catch (IOException | RuntimeException e) {
            unmountAll();
            mountFailure = "mounting LazyFS failed: " + e.getMessage();
            required = false;
            throw e;
        }
    }

    public synchronized boolean mounted() {
        return !mounts.isEmpty();
    }

    /** Drops node {@code nodeId}'s unsynced data, as a power cut would; the node must be stopped first. */
    public synchronized void clearCache(int nodeId) throws IOException {
        LazyFsMount mount = mounts.get(nodeId);
        if (mount == null) {
            throw new IllegalStateException("node " + nodeId + "'s data dir is not on LazyFS");
        }
        mount.clearCache(CLEAR_TIMEOUT);
    }

    /** Unmounts everything; call after the nodes stopped. Idempotent. */
    @Override
    public synchronized void close() {
        unmountAll();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook itself is running (or about to): it unmounts.
            }
            hooked = false;
        }
    }

    private synchronized void unmountAll() {
        mounts.values().forEach(LazyFsMount::unmount);
        mounts.clear();
    }

    /** Unmounts FUSE mounts below {@code reportRoot} whose owning JVM (the run that mounted them) is gone. */
    private static void removeLeftovers(Path reportRoot) {
        if (reportRoot == null) {
            return;
        }
        for (Path mount : LazyFsMounts.under(reportRoot)) {
            Path owner = mount.resolveSibling("lazyfs").resolve("owner-pid");
            if (!Files.isRegularFile(owner) || ownerAlive(owner)) {
                continue;
            }
            Shell.run("umount", "-l", mount.toString());
        }
    }

    private static boolean ownerAlive(Path ownerFile) {
        try {
            long pid = Long.parseLong(Files.readString(ownerFile).trim());
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }
}
