package dev.sluice.broker.group;

import dev.sluice.broker.partition.PartitionResolver;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.TopicPartitionOffset;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Stores and serves consumer groups' committed offsets. A group belongs to partition
 * {@code abs(groupId.hashCode()) % partitions} of {@code __consumer_offsets} (Kafka's rule), and this broker answers
 * for it only while it leads that partition. A commit is one batch appended to that partition: it is durable and
 * replicated like any data, and a new coordinator rebuilds the offsets by reading the partition.
 *
 * <p>Thread-safe: requests for one offsets partition are serialized on its {@link OffsetsPartition}.
 */
public final class GroupCoordinator {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final PartitionResolver resolver;
    private final Clock clock;
    private final ConcurrentMap<Integer, OffsetsPartition> partitions = new ConcurrentHashMap<>();

    public GroupCoordinator(PartitionResolver resolver, Clock clock) {
        this.resolver = resolver;
        this.clock = clock;
    }

    /** The offsets partition a group lives in. */
    public static int partitionFor(String groupId, int offsetsPartitions) {
        int hash = groupId.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % offsetsPartitions;
    }

    public CommitOffsetsResponse commit(CommitOffsetsRequest request, int offsetsPartitions) {
        Located located = locate(request.getGroupId(), offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return CommitOffsetsResponse.newBuilder().setError(located.error).setErrorMessage(located.message).build();
        }
        CommitOffsetsResponse.Builder response = CommitOffsetsResponse.newBuilder();
        Map<OffsetKey, CommittedOffset> commits = new LinkedHashMap<>();
        long nowMs = clock.millis();
        for (TopicPartitionOffset offset : request.getOffsetsList()) {
            TopicPartitionOffset.Builder result = offset.toBuilder();
            if (offset.getOffset() < 0 || offset.getTopic().isEmpty() || offset.getPartition() < 0) {
                result.setError(ErrorCode.INVALID_REQUEST)
                        .setErrorMessage("a commit needs a topic, a partition >= 0 and an offset >= 0");
            } else {
                commits.put(new OffsetKey(request.getGroupId(), offset.getTopic(), offset.getPartition()),
                        new CommittedOffset(offset.getOffset(), offset.getMetadata(), nowMs));
            }
            response.addResults(result);
        }
        if (!commits.isEmpty()) {
            OffsetsPartition partition = located.partition;
            synchronized (partition) {
                partition.catchUp();
                partition.log().append(OffsetRecords.encode(commits, nowMs), located.leaderEpoch, nowMs);
                // One node: the leader's log end is the high watermark. Replication moves this to the ISR's minimum.
                partition.log().updateHighWatermark(partition.log().logEndOffset());
                partition.catchUp();
            }
        }
        return response.build();
    }

    public FetchOffsetsResponse fetch(FetchOffsetsRequest request, int offsetsPartitions) {
        Located located = locate(request.getGroupId(), offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return FetchOffsetsResponse.newBuilder().setError(located.error).setErrorMessage(located.message).build();
        }
        FetchOffsetsResponse.Builder response = FetchOffsetsResponse.newBuilder();
        synchronized (located.partition) {
            located.partition.catchUp();
            if (request.getPartitionsCount() == 0) {
                located.partition.snapshot().forEach((key, value) -> {
                    if (key.groupId().equals(request.getGroupId())) {
                        response.addOffsets(toProto(key.topic(), key.partition(), value));
                    }
                });
            }
            for (TopicPartitionOffset wanted : request.getPartitionsList()) {
                CommittedOffset value = located.partition.get(
                        new OffsetKey(request.getGroupId(), wanted.getTopic(), wanted.getPartition()));
                response.addOffsets(toProto(wanted.getTopic(), wanted.getPartition(), value));
            }
        }
        return response.build();
    }

    /** Forgets cached state, e.g. when this broker stops leading an offsets partition. */
    public void forget(int offsetsPartition) {
        partitions.remove(offsetsPartition);
    }

    private static TopicPartitionOffset toProto(String topic, int partition, CommittedOffset value) {
        return TopicPartitionOffset.newBuilder().setTopic(topic).setPartition(partition)
                .setOffset(value == null ? -1 : value.offset())
                .setMetadata(value == null ? "" : value.metadata()).build();
    }

    private Located locate(String groupId, int offsetsPartitions) {
        if (groupId.isEmpty()) {
            return Located.failed(ErrorCode.INVALID_GROUP_ID, "the group id must not be empty");
        }
        if (offsetsPartitions <= 0) {
            return Located.failed(ErrorCode.LEADER_NOT_AVAILABLE, OFFSETS_TOPIC + " is not created yet");
        }
        int index = partitionFor(groupId, offsetsPartitions);
        ResolvedPartition resolved = resolver.resolve(OFFSETS_TOPIC, index);
        if (resolved instanceof ResolvedPartition.Failure failure) {
            partitions.remove(index);
            return Located.failed(failure.error(), "group coordinator: " + failure.message());
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        OffsetsPartition partition = partitions.compute(index, (i, existing) ->
                existing != null && existing.log() == leader.log() ? existing : new OffsetsPartition(leader.log()));
        return new Located(partition, leader.leaderEpoch(), ErrorCode.NONE, "");
    }

    private record Located(OffsetsPartition partition, int leaderEpoch, ErrorCode error, String message) {
        static Located failed(ErrorCode error, String message) {
            return new Located(null, -1, error, message);
        }
    }
}
