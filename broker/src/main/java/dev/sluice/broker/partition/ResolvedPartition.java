package dev.sluice.broker.partition;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.proto.v1.ErrorCode;
import java.util.Objects;

/** What a {@link PartitionResolver} found: a partition this broker leads, or why the request cannot be served. */
public sealed interface ResolvedPartition {

    /**
     * This broker leads the partition.
     *
     * @param log the partition's local log
     * @param config its topic's log config
     * @param leaderEpoch the current leader epoch, written into appended batches
     */
    record Leader(PartitionLog log, LogConfig config, int leaderEpoch) implements ResolvedPartition {
        public Leader {
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(config, "config");
        }
    }

    /**
     * The request cannot be served here.
     *
     * @param error e.g. {@code UNKNOWN_TOPIC_OR_PARTITION}, {@code NOT_LEADER}, {@code LEADER_NOT_AVAILABLE}
     * @param message a human explanation
     * @param leaderIdHint the leader the client should try, -1 when unknown
     */
    record Failure(ErrorCode error, String message, int leaderIdHint) implements ResolvedPartition {
        public Failure {
            if (error == ErrorCode.NONE) {
                throw new IllegalArgumentException("a failure needs an error code");
            }
            Objects.requireNonNull(message, "message");
        }
    }

    static ResolvedPartition leader(PartitionLog log, LogConfig config, int leaderEpoch) {
        return new Leader(log, config, leaderEpoch);
    }

    static ResolvedPartition unknown(String topic, int partition) {
        return new Failure(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                "this broker does not host " + topic + "-" + partition, -1);
    }

    static ResolvedPartition notLeader(String topic, int partition, int leaderIdHint) {
        return new Failure(ErrorCode.NOT_LEADER,
                "this broker is not the leader of " + topic + "-" + partition, leaderIdHint);
    }
}
