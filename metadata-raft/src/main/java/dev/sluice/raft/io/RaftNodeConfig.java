package dev.sluice.raft.io;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * Settings of a {@link RaftNode}. The node is an observer iff {@code voters} does not contain {@code nodeId}.
 * {@code voters} maps each voter id to its controller-port address. Durations are milliseconds.
 */
public record RaftNodeConfig(int nodeId, Path dataDir, Map<Integer, InetSocketAddress> voters,
                             long electionTimeoutMs, long fetchTimeoutMs) {
    public static final long DEFAULT_ELECTION_TIMEOUT_MS = 1000;
    public static final long DEFAULT_FETCH_TIMEOUT_MS = 2000;

    public RaftNodeConfig {
        voters = Map.copyOf(voters);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("at least one voter is needed");
        }
    }

    /** Default timeouts: election 1 s, fetch 2 s. */
    public static RaftNodeConfig defaults(int nodeId, Path dataDir, Map<Integer, InetSocketAddress> voters) {
        return new RaftNodeConfig(nodeId, dataDir, voters, DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_FETCH_TIMEOUT_MS);
    }

    public boolean isObserver() {
        return !voters.containsKey(nodeId);
    }
}
