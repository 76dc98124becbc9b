package dev.sluice.raft.io;

import dev.sluice.identity.NodeIdentity;
import dev.sluice.raft.RaftConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link RaftNode}. The node is an observer iff {@code voters} does not contain {@code nodeId}.
 * {@code voters} maps each voter id to its controller-port address. Durations are milliseconds.
 * {@code snapshotIntervalEntries} ({@code metadata.snapshot.interval.entries}) is how many committed entries pass
 * between two snapshots of the state machine; 0 takes none. {@code identity} is sent with every request and checked
 * on every request received (see {@code raft.proto}).
 */
public record RaftNodeConfig(int nodeId, Path dataDir, Map<Integer, InetSocketAddress> voters,
                             long electionTimeoutMs, long fetchTimeoutMs, long snapshotIntervalEntries,
                             NodeIdentity identity) {
    public static final long DEFAULT_ELECTION_TIMEOUT_MS = 1000;
    public static final long DEFAULT_FETCH_TIMEOUT_MS = 2000;
    public static final long DEFAULT_SNAPSHOT_INTERVAL_ENTRIES = RaftConfig.DEFAULT_SNAPSHOT_INTERVAL_ENTRIES;

    public RaftNodeConfig {
        voters = Map.copyOf(voters);
        Objects.requireNonNull(identity, "identity");
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("at least one voter is needed");
        }
        if (snapshotIntervalEntries < 0) {
            throw new IllegalArgumentException("snapshotIntervalEntries must be >= 0: " + snapshotIntervalEntries);
        }
    }

    /** With the default snapshot interval (10,000 entries). */
    public RaftNodeConfig(int nodeId, Path dataDir, Map<Integer, InetSocketAddress> voters, long electionTimeoutMs,
                          long fetchTimeoutMs, NodeIdentity identity) {
        this(nodeId, dataDir, voters, electionTimeoutMs, fetchTimeoutMs, DEFAULT_SNAPSHOT_INTERVAL_ENTRIES, identity);
    }

    /** Default timeouts (election 1 s, fetch 2 s) and snapshot interval. */
    public static RaftNodeConfig defaults(int nodeId, Path dataDir, Map<Integer, InetSocketAddress> voters,
                                          NodeIdentity identity) {
        return new RaftNodeConfig(nodeId, dataDir, voters, DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_FETCH_TIMEOUT_MS,
            identity);
    }

    public boolean isObserver() {
        return !voters.containsKey(nodeId);
    }
}
