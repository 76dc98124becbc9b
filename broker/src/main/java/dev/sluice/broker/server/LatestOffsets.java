package dev.sluice.broker.server;

import dev.sluice.security.ChannelSecurity;
import com.google.common.util.concurrent.ListenableFuture;
import dev.sluice.broker.group.TopicPartition;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import io.grpc.ManagedChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest offsets (high watermarks: the end a consumer can read to) of partitions, asked of their leaders, for
 * the consumer lag meters. A group's coordinator is rarely the leader of every partition the group reads, so it asks
 * each leader once per scrape with one {@code ListOffsets} for all its partitions, the same request
 * {@code sluice group describe} makes, so the metric and the command show the same lag. Partitions this broker leads
 * are answered locally.
 *
 * <p>All leaders are asked at once and answers awaited for {@link #TIMEOUT_MS} in total; a leader that does not
 * answer in time (or has no leader now) leaves its partitions out, and their lag shows NaN rather than a stale
 * figure. Channels to the other brokers are kept between scrapes and shut down on {@link #close()}. Thread-safe
 * (calls are serialized); in practice called on the HTTP thread before a scrape.
 */
final class LatestOffsets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LatestOffsets.class);
    /** How long one call waits for all the leaders together, in milliseconds; a scrape should not hang on one. */
    static final long TIMEOUT_MS = 2_000;

    private final int nodeId;
    private final ListOffsetsHandler local;
    private final ChannelSecurity security;
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private boolean closed;

    LatestOffsets(int nodeId, ListOffsetsHandler local, ChannelSecurity security) {
        this.nodeId = nodeId;
        this.security = security;
        this.local = local;
    }

    /** The latest offset of each of {@code partitions} whose leader in {@code image} answered. */
    synchronized Map<TopicPartition, Long> of(Set<TopicPartition> partitions, MetadataImage image) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        Map<Integer, ListenableFuture<ListOffsetsResponse>> asked = new HashMap<>();
        requestsByLeader(partitions, image).forEach((leaderId, request) -> {
            if (leaderId == nodeId) {
                collect(local.handle(request), ends);
                return;
            }
            BrokerRegistration leader = image.cluster().broker(leaderId);
            ManagedChannel channel = leader == null ? null : channel(leader);
            if (channel != null) {
                asked.put(leaderId, BrokerGrpc.newFutureStub(channel)
                        .withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS).listOffsets(request));
            }
        });
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        asked.forEach((leaderId, answer) -> {
            try {
                collect(answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS), ends);
            } catch (ExecutionException | TimeoutException e) {
                answer.cancel(true);
                log.debug("Broker {} gave no log ends for the consumer lag meters: {}", leaderId, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return ends;
    }

    /** One request per leader for the partitions it leads in {@code image}; leaderless partitions are left out. */
    private static Map<Integer, ListOffsetsRequest> requestsByLeader(Set<TopicPartition> partitions,
                                                                     MetadataImage image) {
        Map<Integer, ListOffsetsRequest.Builder> byLeader = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topics().topic(tp.topic());
            PartitionImage partition = topic == null ? null : topic.partition(tp.partition());
            if (partition != null && partition.hasLeader()) {
                byLeader.computeIfAbsent(partition.leaderId(), id -> ListOffsetsRequest.newBuilder())
                        .addPartitions(ListOffsetsPartition.newBuilder().setTopic(tp.topic())
                                .setPartition(tp.partition()).setTimestampMs(ListOffsetsHandler.LATEST_TIMESTAMP));
            }
        }
        Map<Integer, ListOffsetsRequest> requests = new HashMap<>();
        byLeader.forEach((leaderId, request) -> requests.put(leaderId, request.build()));
        return requests;
    }

    private static void collect(ListOffsetsResponse response, Map<TopicPartition, Long> ends) {
        for (ListOffsetsPartitionResult result : response.getResultsList()) {
            if (result.getError() == ErrorCode.NONE && result.getOffset() >= 0) {
                ends.put(new TopicPartition(result.getTopic(), result.getPartition()), result.getOffset());
            }
        }
    }

    /** A channel (plaintext or TLS, as the broker listener) to the broker's advertised address, or null once closed. */
    private ManagedChannel channel(BrokerRegistration broker) {
        if (closed) {
            return null;
        }
        return channels.computeIfAbsent(broker.host() + ":" + broker.port(),
                address -> security.open(broker.host(), broker.port()));
    }

    @Override
    public synchronized void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
