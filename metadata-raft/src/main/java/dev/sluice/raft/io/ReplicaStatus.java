package dev.sluice.raft.io;

/**
 * How far one replica has fetched, as the leader sees it: its log end offset, how many entries it is behind the
 * leader's log end, and milliseconds since it was last caught up. Each is -1 when unknown.
 */
public record ReplicaStatus(int nodeId, long logEndOffset, long lag, long lastCaughtUpMsAgo) {
}
