package dev.sluice.client.internal;

import dev.sluice.client.LeaderNotAvailableException;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Looks up offsets by time (earliest = -2, latest = -1, or a timestamp) with ListOffsets on each
 * partition's leader, retrying retriable errors after a metadata refresh until the deadline.
 * Used on the consumer's thread.
 */
public final class OffsetLookup {
    /** ListOffsets timestamp meaning the log start. */
    public static final long EARLIEST = -2;
    /** ListOffsets timestamp meaning the high watermark. */
    public static final long LATEST = -1;

    private final Metadata metadata;
    private final ChannelPool channels;
    private final Time time;
    private final int requestTimeoutMs;
    private final RetryingCall retrying;

    public OffsetLookup(Metadata metadata, ChannelPool channels, Time time, int requestTimeoutMs,
                        long retryBackoffMs) {
        this.metadata = metadata;
        this.channels = channels;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.retrying = new RetryingCall(time, retryBackoffMs);
    }

    /** The offset for each partition's timestamp spec; -1 where no record is at or after the timestamp. */
    public Map<TopicPartition, Long> lookup(Map<TopicPartition, Long> timestamps, long timeoutMs) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        lookupWithTimestamps(timestamps, timeoutMs).forEach((tp, found) -> offsets.put(tp, found[0]));
        return offsets;
    }

    /** Same, each result as {offset, timestamp of the batch found (-1 when none)}. */
    public Map<TopicPartition, long[]> lookupWithTimestamps(Map<TopicPartition, Long> timestamps, long timeoutMs) {
        Map<TopicPartition, long[]> found = new HashMap<>();
        retrying.call(time.milliseconds() + timeoutMs, () -> {
            Map<String, ListOffsetsRequest.Builder> byLeader = new HashMap<>();
            for (Map.Entry<TopicPartition, Long> entry : timestamps.entrySet()) {
                if (found.containsKey(entry.getKey())) {
                    continue;
                }
                String leader = metadata.cluster().leaderAddress(entry.getKey());
                if (leader == null) {
                    throw new LeaderNotAvailableException("no known leader for " + entry.getKey());
                }
                byLeader.computeIfAbsent(leader, l -> ListOffsetsRequest.newBuilder())
                        .addPartitions(ListOffsetsPartition.newBuilder().setTopic(entry.getKey().topic())
                                .setPartition(entry.getKey().partition()).setTimestampMs(entry.getValue()));
            }
            byLeader.forEach((leader, request) -> found.putAll(send(leader, request.build())));
            return null;
        }, () -> refresh(timestamps));
        return found;
    }

    private void refresh(Map<TopicPartition, Long> timestamps) {
        try {
            metadata.update(timestamps.keySet().stream().map(TopicPartition::topic).distinct().toList());
        } catch (RuntimeException e) {
            metadata.requestUpdate();
        }
    }

    private Map<TopicPartition, long[]> send(String leader, ListOffsetsRequest request) {
        ListOffsetsResponse response;
        try {
            response = BrokerGrpc.newBlockingStub(channels.channel(leader))
                    .withDeadlineAfter(requestTimeoutMs, TimeUnit.MILLISECONDS).listOffsets(request);
        } catch (RuntimeException e) {
            throw Errors.fromTransport(leader, e);
        }
        Map<TopicPartition, long[]> offsets = new HashMap<>();
        RuntimeException failure = null;
        for (ListOffsetsPartitionResult result : response.getResultsList()) {
            TopicPartition tp = new TopicPartition(result.getTopic(), result.getPartition());
            if (result.getError() == ErrorCode.NONE) {
                offsets.put(tp, new long[] {result.getOffset(), result.getTimestampMs()});
            } else if (failure == null) {
                failure = Errors.toException(result.getError(), result.getErrorMessage().isEmpty()
                        ? Errors.describe(result.getError()) + " for " + tp : result.getErrorMessage());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return offsets;
    }
}
