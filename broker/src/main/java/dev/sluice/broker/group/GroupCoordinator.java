package dev.sluice.broker.group;

import dev.sluice.broker.log.AppendResult;
import dev.sluice.broker.partition.HighWatermarkPolicy;
import dev.sluice.broker.partition.PartitionResolver;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.TopicPartitionOffset;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;

/**
 * Stores and serves consumer groups' committed offsets. A group belongs to partition
 * {@code abs(groupId.hashCode()) % partitions} of {@code __consumer_offsets} (Kafka's rule), and this broker answers
 * for it only while it leads that partition. A commit is one batch appended to that partition: it is replicated
 * like any data (answered once the partition's in-sync replicas have it; also fsynced there when the topic has
 * {@code durable.acks=true}, from the nodes' {@code log.durable.acks}), and a new coordinator rebuilds the offsets by
 * reading the partition.
 *
 * <p>Thread-safe: requests for one offsets partition are serialized on its {@link OffsetsPartition}.
 */
public final class GroupCoordinator {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** How long a commit waits for the in-sync replicas of its offsets partition before failing retriably. */
    static final long COMMIT_REPLICATION_TIMEOUT_MS = 10_000;

    private final PartitionResolver resolver;
    private final HighWatermarkPolicy highWatermarkPolicy;
    private final Clock clock;
    private final RandomGenerator random;
    private volatile CoordinatorLease lease = CoordinatorLease.ALWAYS;
    private volatile CoordinatorHandoffs handoffs = CoordinatorHandoffs.NONE;
    private volatile RebalanceListener rebalanceListener = RebalanceListener.NONE;
    private final ConcurrentMap<Integer, OffsetsPartition> partitions = new ConcurrentHashMap<>();

    /** A coordinator whose offsets partitions have a single replica: a commit is committed once appended. */
    public GroupCoordinator(PartitionResolver resolver, Clock clock) {
        this(resolver, HighWatermarkPolicy.SINGLE_REPLICA, clock, new SplittableRandom(new SecureRandom().nextLong()));
    }

    /**
     * @param highWatermarkPolicy the replication hook: a commit is answered only once every in-sync replica of the
     *     offsets partition has it (as {@code acks=all}), so it survives the loss of this broker
     */
    public GroupCoordinator(PartitionResolver resolver, HighWatermarkPolicy highWatermarkPolicy, Clock clock) {
        this(resolver, highWatermarkPolicy, clock, new SplittableRandom(new SecureRandom().nextLong()));
    }

    public GroupCoordinator(PartitionResolver resolver, HighWatermarkPolicy highWatermarkPolicy, Clock clock,
                            RandomGenerator random) {
        this.resolver = resolver;
        this.highWatermarkPolicy = highWatermarkPolicy;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Makes this coordinator refuse (retriable {@code NOT_LEADER}) while the broker's controller lease has expired,
     * so a broker cut off from the controller stops coordinating before its offsets partitions move elsewhere.
     */
    public void useLease(CoordinatorLease lease) {
        this.lease = lease;
    }

    /**
     * Makes this coordinator wait, after taking an offsets partition over from a broker that may still coordinate it
     * from a stale image, until that broker's lease has surely ended (retriable {@code LEADER_NOT_AVAILABLE}).
     */
    public void useHandoffs(CoordinatorHandoffs handoffs) {
        this.handoffs = handoffs;
    }

    /** Tells {@code listener} of every rebalance that ends in a group coordinated from now on. */
    public void useRebalanceListener(RebalanceListener listener) {
        this.rebalanceListener = listener;
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
        if (request.getRequireEmptyGroup()) {
            synchronized (located.partition) {
                if (located.partition.membership().hasMembers(request.getGroupId(), clock.millis())) {
                    return CommitOffsetsResponse.newBuilder().setError(ErrorCode.GROUP_NOT_EMPTY)
                            .setErrorMessage("group " + request.getGroupId() + " has active members; stop them first")
                            .build();
                }
            }
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
            MemberAppend guarded = appendIfMember(located, request, commits, nowMs);
            if (guarded.error() != ErrorCode.NONE) {
                return CommitOffsetsResponse.newBuilder().setError(guarded.error())
                        .setErrorMessage(rejection(guarded.error(), request)).build();
            }
            AppendResult appended = guarded.appended();
            ErrorCode error = awaitReplicated(located, appended);
            if (error != ErrorCode.NONE) {
                return CommitOffsetsResponse.newBuilder().setError(error).setErrorMessage(error
                        == ErrorCode.REQUEST_TIMED_OUT ? "the in-sync replicas of the offsets partition did not "
                        + "confirm the commit in time" : "the coordinator moved before the commit was replicated")
                        .build();
            }
        }
        return response.build();
    }

    /** A commit's append, or why the committing member was refused ({@code appended} is then null). */
    private record MemberAppend(ErrorCode error, AppendResult appended) {
    }

    /**
     * Appends the commit as one batch if the committing member may commit; checked under the same lock as the
     * append, so a member that expires in between cannot slip a commit in.
     */
    private MemberAppend appendIfMember(Located located, CommitOffsetsRequest request,
                                        Map<OffsetKey, CommittedOffset> commits, long nowMs) {
        synchronized (located.partition) {
            ErrorCode refused = located.partition.membership().validateCommit(request.getGroupId(),
                    request.getMemberId(), request.getMemberEpoch(), nowMs);
            return refused != ErrorCode.NONE ? new MemberAppend(refused, null)
                    : new MemberAppend(ErrorCode.NONE, append(located, commits, nowMs));
        }
    }

    private static String rejection(ErrorCode error, CommitOffsetsRequest request) {
        return switch (error) {
            case STALE_MEMBER_EPOCH -> "member " + request.getMemberId() + " committed with an old member epoch "
                    + request.getMemberEpoch() + "; retry with the current one";
            case FENCED_MEMBER_EPOCH -> "member " + request.getMemberId() + " committed with member epoch "
                    + request.getMemberEpoch() + ", which the coordinator never gave it; rejoin";
            default -> "group " + request.getGroupId() + " has no member " + request.getMemberId()
                    + " (expired, removed, or the coordinator moved); rejoin before committing";
        };
    }

    /** Appends one batch; the high watermark then moves as the replication policy decides. */
    private AppendResult append(Located located, Map<OffsetKey, CommittedOffset> commits, long nowMs) {
        OffsetsPartition partition = located.partition;
        synchronized (partition) {
            partition.catchUp();
            AppendResult appended = partition.log().append(OffsetRecords.encode(commits, nowMs),
                    located.leaderEpoch, nowMs);
            highWatermarkPolicy.afterLocalAppend(partition.log(), appended);
            return appended;
        }
    }

    /**
     * Waits, outside the partition's lock, until the high watermark covers the appended batch; the commit is only
     * visible to fetches from then on ({@link OffsetsPartition#catchUp} reads below the high watermark).
     */
    private ErrorCode awaitReplicated(Located located, AppendResult appended) {
        try {
            return highWatermarkPolicy.awaitAcksAll(located.partition.log(), located.leaderEpoch, appended,
                    COMMIT_REPLICATION_TIMEOUT_MS)
                    .get(COMMIT_REPLICATION_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ErrorCode.REQUEST_TIMED_OUT;
        } catch (ExecutionException | TimeoutException e) {
            return ErrorCode.REQUEST_TIMED_OUT;
        }
    }

    /** A member's heartbeat; {@code topics} maps every non-internal topic to its partition count. */
    public HeartbeatResult heartbeat(Heartbeat request, Map<String, Integer> topics, int offsetsPartitions) {
        Located located = locate(request.groupId(), offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return HeartbeatResult.failed(located.error, located.message);
        }
        synchronized (located.partition) {
            return located.partition.membership().heartbeat(request, topics, clock.millis());
        }
    }

    /**
     * The group's membership and committed offsets, or an error result. A group this coordinator has neither
     * members nor offsets for is described with state {@code Dead}.
     */
    public GroupDescribed describe(String groupId, int offsetsPartitions) {
        Located located = locate(groupId, offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return new GroupDescribed(located.error, located.message, null, Map.of());
        }
        synchronized (located.partition) {
            located.partition.catchUp();
            GroupView view = located.partition.membership().describe(groupId, clock.millis());
            Map<OffsetKey, CommittedOffset> offsets = new TreeMap<>(java.util.Comparator.comparing(OffsetKey::topic)
                    .thenComparingInt(OffsetKey::partition));
            located.partition.snapshot().forEach((key, value) -> {
                if (key.groupId().equals(groupId)) {
                    offsets.put(key, value);
                }
            });
            return new GroupDescribed(ErrorCode.NONE, "", view, offsets);
        }
    }

    /** Outcome of {@link #describe}: {@code view} is null when no member state exists. */
    public record GroupDescribed(ErrorCode error, String message, GroupView view,
                                 Map<OffsetKey, CommittedOffset> offsets) {
    }

    /** Every group of the offsets partitions this broker leads: group id to view (null view: offsets only). */
    public Map<String, GroupView> list(int offsetsPartitions) {
        Map<String, GroupView> groups = new TreeMap<>();
        for (int index = 0; index < offsetsPartitions; index++) {
            Located located = locateIndex(index);
            if (located.error != ErrorCode.NONE) {
                continue;
            }
            synchronized (located.partition) {
                located.partition.catchUp();
                located.partition.snapshot().keySet().forEach(key -> groups.putIfAbsent(key.groupId(), null));
                groups.putAll(located.partition.membership().list(clock.millis()));
            }
        }
        return groups;
    }

    /**
     * A summary of every group this broker coordinates now (those of the offsets partitions it leads), for the
     * consumer group meters: state, members and rebalances from the membership, committed offsets from the offsets
     * partition. A group with offsets and no member state is {@code Empty}.
     */
    public List<GroupSummary> summaries(int offsetsPartitions) {
        List<GroupSummary> summaries = new ArrayList<>();
        for (int index = 0; index < offsetsPartitions; index++) {
            Located located = locateIndex(index);
            if (located.error != ErrorCode.NONE) {
                continue;
            }
            synchronized (located.partition) {
                located.partition.catchUp();
                Map<String, GroupSummary> byGroup = located.partition.membership().summaries(clock.millis());
                Map<String, Map<TopicPartition, Long>> committed = new TreeMap<>();
                located.partition.snapshot().forEach((key, value) -> committed
                        .computeIfAbsent(key.groupId(), group -> new HashMap<>())
                        .put(new TopicPartition(key.topic(), key.partition()), value.offset()));
                committed.keySet().forEach(group -> byGroup.putIfAbsent(group,
                        new GroupSummary(group, "Empty", 0, 0, Map.of())));
                byGroup.forEach((group, summary) ->
                        summaries.add(summary.withCommitted(committed.getOrDefault(group, Map.of()))));
            }
        }
        return summaries;
    }

    /** Deletes a group without members: its membership state and (by tombstones) its committed offsets. */
    public ErrorResult delete(String groupId, int offsetsPartitions) {
        Located located = locate(groupId, offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return new ErrorResult(located.error, located.message);
        }
        AppendResult appended;
        synchronized (located.partition) {
            long nowMs = clock.millis();
            if (located.partition.membership().hasMembers(groupId, nowMs)) {
                return new ErrorResult(ErrorCode.GROUP_NOT_EMPTY, "group " + groupId + " has active members");
            }
            located.partition.catchUp();
            Map<OffsetKey, CommittedOffset> tombstones = new LinkedHashMap<>();
            located.partition.snapshot().keySet().stream().filter(key -> key.groupId().equals(groupId))
                    .forEach(key -> tombstones.put(key, null));
            boolean known = located.partition.membership().describe(groupId, nowMs) != null;
            if (tombstones.isEmpty() && !known) {
                return new ErrorResult(ErrorCode.GROUP_ID_NOT_FOUND, "group " + groupId + " does not exist");
            }
            located.partition.membership().delete(groupId);
            if (tombstones.isEmpty()) {
                return new ErrorResult(ErrorCode.NONE, "");
            }
            appended = append(located, tombstones, nowMs);
        }
        ErrorCode error = awaitReplicated(located, appended);
        return new ErrorResult(error, error == ErrorCode.NONE ? "" : "the deletion was not replicated in time");
    }

    /** An error code and message; NONE for success. */
    public record ErrorResult(ErrorCode error, String message) {
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
        return locateIndex(partitionFor(groupId, offsetsPartitions));
    }

    private Located locateIndex(int index) {
        if (!lease.isValid()) {
            return Located.failed(ErrorCode.NOT_LEADER, "group coordinator: this broker has lost contact with the "
                    + "controller, so " + OFFSETS_TOPIC + "-" + index + " may have moved; find the coordinator again");
        }
        ResolvedPartition resolved = resolver.resolve(OFFSETS_TOPIC, index);
        if (resolved instanceof ResolvedPartition.Failure failure) {
            partitions.remove(index);
            return Located.failed(failure.error(), "group coordinator: " + failure.message());
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        // A new leader epoch starts afresh even on the same log: leadership may have gone elsewhere and come back,
        // and the membership kept from the earlier term would hand out generations the other coordinator replaced.
        OffsetsPartition partition = partitions.compute(index, (i, existing) ->
                existing != null && existing.log() == leader.log() && existing.leaderEpoch() == leader.leaderEpoch()
                        ? existing
                        : new OffsetsPartition(leader.log(), leader.leaderEpoch(),
                                new GroupMembership(newRandom(), rebalanceListener)));
        if (!partition.loaded()) {
            return Located.failed(ErrorCode.LEADER_NOT_AVAILABLE, "group coordinator: still loading " + OFFSETS_TOPIC
                    + "-" + index + " (high watermark below the log end at takeover); retry");
        }
        long handoffMs = handoffs.remainingMs(index, leader.leaderEpoch());
        if (handoffMs > 0) {
            return Located.failed(ErrorCode.LEADER_NOT_AVAILABLE, "group coordinator: took " + OFFSETS_TOPIC + "-"
                    + index + " over from a broker that may still be coordinating it; ready in " + handoffMs
                    + " ms; retry");
        }
        return new Located(partition, leader.leaderEpoch(), ErrorCode.NONE, "");
    }

    /** A generator per offsets partition, so each is used under that partition's lock only. */
    private synchronized RandomGenerator newRandom() {
        return new SplittableRandom(random.nextLong());
    }

    private record Located(OffsetsPartition partition, int leaderEpoch, ErrorCode error, String message) {
        static Located failed(ErrorCode error, String message) {
            return new Located(null, -1, error, message);
        }
    }
}
