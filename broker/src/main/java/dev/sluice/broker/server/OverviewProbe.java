package dev.sluice.broker.server;

import dev.sluice.security.ChannelSecurity;
import com.google.common.util.concurrent.ListenableFuture;
import dev.sluice.broker.metrics.OverviewSample;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.GroupListing;
import dev.sluice.proto.v1.ListGroupsRequest;
import dev.sluice.proto.v1.ListGroupsResponse;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.ListOffsetsResponse;
import dev.sluice.proto.v1.TopicPartitionOffset;
import io.grpc.ManagedChannel;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the brokers what the overview page shows beyond this node's metadata image: each unfenced broker lists the
 * consumer groups it coordinates ({@code ListGroups}) and gives their committed offsets ({@code FetchOffsets}), and
 * each partition leader gives its partitions' latest offsets ({@code ListOffsets}), through the same public gRPC
 * API a client uses, so any node (a controller-only one too) can show the whole cluster.
 *
 * <p>Asking happens on demand and off the HTTP thread: {@link #samples()} returns the last two samples at once and,
 * when the latest is older than {@link #REFRESH_INTERVAL_MS}, starts a new one on this probe's own thread. The page
 * polls, so it sees each answer one poll later, and nothing is asked while nobody looks. Each round is bounded by
 * {@link #TIMEOUT_MS}; a broker that does not answer in time is left out and named in the sample's problems.
 */
final class OverviewProbe implements AutoCloseable {
    static final long REFRESH_INTERVAL_MS = 1000;
    static final long TIMEOUT_MS = 2000;
    private static final Logger log = LoggerFactory.getLogger(OverviewProbe.class);

    private final Supplier<MetadataImage> image;
    private final Clock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(new DaemonThreads("sluice-overview"));
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** Channels by broker id and address. */
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private boolean closed;
    private volatile Samples samples = new Samples(OverviewSample.NONE, OverviewSample.NONE);

    /** The latest sample and the one before it. */
    record Samples(OverviewSample previous, OverviewSample latest) {
    }

    /** How the probe reaches the brokers' ports (TLS when the broker listener has it). */
    private final ChannelSecurity security;

    OverviewProbe(Supplier<MetadataImage> image, Clock clock, ChannelSecurity security) {
        this.security = security;
        this.image = image;
        this.clock = clock;
    }

    /** The last two samples; starts a new one in the background when the latest is stale. */
    Samples samples() {
        Samples current = samples;
        boolean stale = clock.millis() - current.latest().timeMs() >= REFRESH_INTERVAL_MS;
        if (stale && refreshing.compareAndSet(false, true)) {
            try {
                thread.execute(this::refresh);
            } catch (RejectedExecutionException stopped) {
                refreshing.set(false);
            }
        }
        return current;
    }

    private void refresh() {
        try {
            OverviewSample sample = collect(image.get());
            samples = new Samples(samples.latest(), sample);
        } catch (RuntimeException e) {
            if (!thread.isShutdown()) {
                log.warn("Collecting the overview's groups and offsets failed", e);
            }
        } finally {
            refreshing.set(false);
        }
    }

    /** One round: groups and latest offsets asked of every broker at once, then every group's committed offsets. */
    private OverviewSample collect(MetadataImage current) {
        closeChannelsOfGoneBrokers(current);
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        List<String> problems = new ArrayList<>();
        Map<Integer, ListenableFuture<ListGroupsResponse>> listings = new TreeMap<>();
        for (BrokerRegistration broker : current.cluster().unfencedBrokers()) {
            listings.put(broker.id(), GroupGrpc.newFutureStub(channel(broker)).withDeadlineAfter(TIMEOUT_MS,
                    TimeUnit.MILLISECONDS).listGroups(ListGroupsRequest.getDefaultInstance()));
        }
        Map<Integer, ListenableFuture<ListOffsetsResponse>> latest = askLatestOffsets(current);
        Map<String, Listed> groups = new TreeMap<>();
        listings.forEach((brokerId, answer) -> {
            ListGroupsResponse response = await(answer, deadlineNanos, "broker " + brokerId + " listing its groups",
                    problems);
            if (response == null || response.getError() != ErrorCode.NONE) {
                return;
            }
            for (GroupListing listing : response.getGroupsList()) {
                // A group moving between coordinators may be listed twice for a moment; the first answer counts.
                groups.computeIfAbsent(listing.getGroupId(), groupId -> new Listed(listing, brokerId,
                        GroupGrpc.newFutureStub(channel(current.cluster().broker(brokerId)))
                                .withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                                .fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId(groupId).build())));
            }
        });
        Map<OverviewSample.Partition, Long> latestOffsets = new TreeMap<>();
        latest.forEach((leaderId, answer) -> {
            ListOffsetsResponse response = await(answer, deadlineNanos, "leader " + leaderId + " giving latest offsets",
                    problems);
            if (response != null) {
                for (ListOffsetsPartitionResult result : response.getResultsList()) {
                    if (result.getError() == ErrorCode.NONE && result.getOffset() >= 0) {
                        latestOffsets.put(new OverviewSample.Partition(result.getTopic(), result.getPartition()),
                                result.getOffset());
                    }
                }
            }
        });
        List<OverviewSample.Group> described = new ArrayList<>();
        groups.forEach((groupId, listed) -> described.add(describe(listed, deadlineNanos, problems)));
        return new OverviewSample(clock.millis(), described, latestOffsets, problems);
    }

    /** A group as a broker listed it, and the committed offsets asked of that broker (its coordinator). */
    private record Listed(GroupListing listing, int coordinatorId, ListenableFuture<FetchOffsetsResponse> offsets) {
    }

    private static OverviewSample.Group describe(Listed listed, long deadlineNanos, List<String> problems) {
        String groupId = listed.listing().getGroupId();
        FetchOffsetsResponse response = await(listed.offsets(), deadlineNanos, "coordinator " + listed.coordinatorId()
                + " giving the offsets of group " + groupId, problems);
        Map<OverviewSample.Partition, Long> offsets = new TreeMap<>();
        if (response != null && response.getError() != ErrorCode.NONE) {
            problems.add("coordinator " + listed.coordinatorId() + " gave no offsets of group " + groupId + ": "
                    + response.getError() + " " + response.getErrorMessage());
        } else if (response != null) {
            for (TopicPartitionOffset offset : response.getOffsetsList()) {
                if (offset.getError() == ErrorCode.NONE && offset.getOffset() >= 0) {
                    offsets.put(new OverviewSample.Partition(offset.getTopic(), offset.getPartition()),
                            offset.getOffset());
                }
            }
        }
        return new OverviewSample.Group(groupId, listed.listing().getState(), listed.listing().getMembers(),
                listed.coordinatorId(), offsets);
    }

    /** Asks each partition leader for the latest offsets of the partitions it leads. */
    private Map<Integer, ListenableFuture<ListOffsetsResponse>> askLatestOffsets(MetadataImage current) {
        Map<Integer, ListOffsetsRequest.Builder> byLeader = new TreeMap<>();
        for (TopicImage topic : current.topics().topicsByName().values()) {
            for (Map.Entry<Integer, PartitionImage> partition : topic.partitions().entrySet()) {
                int leaderId = partition.getValue().leaderId();
                if (partition.getValue().hasLeader() && current.cluster().broker(leaderId) != null) {
                    byLeader.computeIfAbsent(leaderId, id -> ListOffsetsRequest.newBuilder())
                            .addPartitions(ListOffsetsPartition.newBuilder().setTopic(topic.name())
                                    .setPartition(partition.getKey()).setTimestampMs(-1));
                }
            }
        }
        Map<Integer, ListenableFuture<ListOffsetsResponse>> answers = new TreeMap<>();
        byLeader.forEach((leaderId, request) -> answers.put(leaderId,
                BrokerGrpc.newFutureStub(channel(current.cluster().broker(leaderId)))
                        .withDeadlineAfter(TIMEOUT_MS, TimeUnit.MILLISECONDS).listOffsets(request.build())));
        return answers;
    }

    /** The answer, or null (with a problem noted) when it failed or did not come before the round's deadline. */
    private static <T> T await(ListenableFuture<T> answer, long deadlineNanos, String what, List<String> problems) {
        try {
            return answer.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            problems.add(what + " failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            answer.cancel(true);
            problems.add(what + " took longer than " + TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(what + " was interrupted");
        }
        return null;
    }

    /** A channel to the broker's advertised address; a re-registered broker at a new address gets a new one. */
    private synchronized ManagedChannel channel(BrokerRegistration broker) {
        if (closed) {
            throw new IllegalStateException("the overview probe is closed");
        }
        return channels.computeIfAbsent(channelKey(broker),
                key -> security.open(broker.host(), broker.port()));
    }

    private synchronized void closeChannelsOfGoneBrokers(MetadataImage current) {
        channels.entrySet().removeIf(entry -> {
            boolean gone = current.cluster().brokers().values().stream()
                    .noneMatch(broker -> channelKey(broker).equals(entry.getKey()));
            if (gone) {
                entry.getValue().shutdownNow();
            }
            return gone;
        });
    }

    private static String channelKey(BrokerRegistration broker) {
        return broker.id() + "@" + broker.host() + ":" + broker.port();
    }

    @Override
    public synchronized void close() {
        closed = true;
        thread.shutdownNow();
        channels.values().forEach(ManagedChannel::shutdownNow);
        channels.clear();
    }
}
