package dev.sluice.client;

/**
 * A metadata-quorum member's replication progress.
 *
 * @param nodeId the node id
 * @param logEndOffset its metadata log end offset
 * @param lag the leader's log end minus this node's, in records
 * @param lastCaughtUpMsAgo milliseconds since it was last caught up, -1 when unknown
 */
public record ReplicaState(int nodeId, long logEndOffset, long lag, long lastCaughtUpMsAgo) {
}
