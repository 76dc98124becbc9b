package dev.sluice.controller;

import java.util.Comparator;
import java.util.UUID;

/**
 * Where a broker's replica of a leaderless partition ends, as the broker reported it in a heartbeat: the latest
 * leader epoch in its log ({@code -1} when the log is empty) and its log end offset. After a full outage the
 * controller elects the candidate whose log ends furthest by this order: leader epoch first, then offset, since a
 * log that reached a later epoch has seen that leader's writes, and among logs of one epoch the longer one holds more.
 */
public record ReplicaLogEnd(UUID topicId, int partition, int leaderEpoch, long logEndOffset) {
    /** Later epoch first, then longer log. */
    public static final Comparator<ReplicaLogEnd> FURTHEST = Comparator.comparingInt(ReplicaLogEnd::leaderEpoch)
            .thenComparingLong(ReplicaLogEnd::logEndOffset);

    public ReplicaLogEnd {
        if (topicId == null || partition < 0 || leaderEpoch < -1 || logEndOffset < 0) {
            throw new IllegalArgumentException("bad replica log end: topic " + topicId + ", partition " + partition
                    + ", leader epoch " + leaderEpoch + ", log end offset " + logEndOffset);
        }
    }
}
