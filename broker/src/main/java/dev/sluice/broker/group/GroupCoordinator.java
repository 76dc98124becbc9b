package dev.sluice.broker.group;

import dev.sluice.broker.group.classic.ClassicGroupView;
import dev.sluice.broker.group.classic.ClassicGroups;
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
 * <p>A group id is either one of Sluice's server-assigned groups ({@link GroupMembership}, the gRPC heartbeat) or a
 * Kafka classic group ({@link ClassicGroups}, served through {@link ClassicGroupCoordinator}); while it has members
 * of one kind, a member of the other kind is refused with {@code INCONSISTENT_GROUP_PROTOCOL}.
 *
 * <p>Thread-safe: requests for one offsets partition are serialized on its {@link OffsetsPartition}.
 */
public final class GroupCoordinator {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** How long a commit waits for the in-sync replicas of its offsets partition before failing retriably. */
    static final long COMMIT_REPLICATION_TIMEOUT_MS = 10_000;

    /** Kafka's default group.initial.rebalance.delay.ms. */
    public static final long DEFAULT_CLASSIC_INITIAL_DELAY_MS = 3_000;

    private final PartitionResolver resolver;
    private final HighWatermarkPolicy highWatermarkPolicy;
    private final Clock clock;
    private final RandomGenerator random;
    private volatile CoordinatorLease lease = CoordinatorLease.ALWAYS;
    private volatile CoordinatorHandoffs handoffs = CoordinatorHandoffs.NONE;
    private volatile RebalanceListener rebalanceListener = RebalanceListener.NONE;
    private volatile long classicInitialDelayMs = DEFAULT_CLASSIC_INITIAL_DELAY_MS;
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

    /**
     * How long an empty classic group waits for more members before its first generation (Kafka's
     * {@code group.initial.rebalance.delay.ms}); applies to offsets partitions taken over from now on.
     */
    public void useClassicInitialDelay(long initialDelayMs) {
        this.classicInitialDelayMs = initialDelayMs;
    }

    Clock clock() {
        return clock;
    }

    /** The offsets partition a group lives in. */
    public static int partitionFor(String groupId, int offsetsPartitions) {
        int hash = groupId.hashCode();
        return (hash == Integer.MIN_VALUE ? 0 : Math.abs(hash)) % offsetsPartitions;
    }

    /** A commit by a Sluice client: a member id names a member of a server-assigned group. */
    public CommitOffsetsResponse commit(CommitOffsetsRequest request, int offsetsPartitions) {
        return commit(request, false, offsetsPartitions);
    }

    /**
     * A commit by a Kafka client (OffsetCommit): a member id with {@code member_epoch} as its generation names a
     * classic member checked as Kafka does ({@link ClassicGroups#validateCommit}), or a KIP-848 member of one of
     * Sluice's groups checked by its member epoch; a commit outside membership (empty member id, generation -1) is
     * refused into a classic group that has members.
     */
    public CommitOffsetsResponse commitClassic(CommitOffsetsRequest request, int offsetsPartitions) {
        return commit(request, true, offsetsPartitions);
    }

    private CommitOffsetsResponse commit(CommitOffsetsRequest request, boolean classic, int offsetsPartitions) {
        Located located = locate(request.getGroupId(), offsetsPartitions);
        if (located.error != ErrorCode.NONE) {
            return CommitOffsetsResponse.newBuilder().setError(located.error).setErrorMessage(located.message).build();
        }
        if (request.getRequireEmptyGroup()) {
            synchronized (located.partition) {
                if (hasMembers(located.partition, request.getGroupId(), clock.millis())) {
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
            MemberAppend guarded = appendIfMember(located, request, classic, commits, nowMs);
            if (guarded.error() != ErrorCode.NONE) {
                return CommitOffsetsResponse.newBuilder().setError(guarded.error())
                        .setErrorMessage(CommitRefusals.message(guarded.error(), request)).build();
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
     * Appends the commit as one batch if the member may commit (checked under the append's lock; a Kafka client's,
     * {@code classic}, by the kind of group holding the id: classic, or Sluice's own with KIP-848 members).
     */
    private MemberAppend appendIfMember(Located located, CommitOffsetsRequest request, boolean classic,
                                        Map<OffsetKey, CommittedOffset> commits, long nowMs) {
        synchronized (located.partition) {
            boolean classicGroup = classic && !located.partition.membership().hasMembers(request.getGroupId(), nowMs);
            ErrorCode refused = classicGroup
                    ? located.partition.classic().validateCommit(request.getGroupId(), request.getMemberId(),
                            request.getMemberEpoch())
                    : located.partition.membership().validateCommit(request.getGroupId(), request.getMemberId(),
                            request.getMemberEpoch(), nowMs);
            return refused != ErrorCode.NONE ? new MemberAppend(refused, null)
                    : new MemberAppend(ErrorCode.NONE, append(located, commits, nowMs));
        }
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
            if (located.partition.classic().hasMembers(request.groupId())) {
                return HeartbeatResult.failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "group " + request.groupId()
                        + " is a Kafka classic group with members; a Sluice member cannot join it");
            }
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
            return new GroupDescribed(located.error, located.message, null, null, Map.of());
        }
        synchronized (located.partition) {
            located.partition.catchUp();
            return GroupReads.describe(located.partition, groupId, clock.millis());
        }
    }

    /**
     * Outcome of {@link #describe}: {@code view} is the server-assigned group's state, {@code classic} the classic
     * group's; both are null when no member state exists (a group of committed offsets only, or none).
     */
    public record GroupDescribed(ErrorCode error, String message, GroupView view, ClassicGroupView classic,
                                 Map<OffsetKey, CommittedOffset> offsets) {
    }

    /** Every group of the offsets partitions this broker leads, of both kinds, by group id. */
    public Map<String, GroupListed> list(int offsetsPartitions) {
        Map<String, GroupListed> groups = new TreeMap<>();
        for (int index = 0; index < offsetsPartitions; index++) {
            Located located = locateIndex(index);
            if (located.error != ErrorCode.NONE) {
                continue;
            }
            synchronized (located.partition) {
                located.partition.catchUp();
                GroupReads.list(located.partition, clock.millis(), groups);
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
                summaries.addAll(GroupReads.summaries(located.partition, clock.millis()));
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
            if (hasMembers(located.partition, groupId, nowMs)) {
                return new ErrorResult(ErrorCode.GROUP_NOT_EMPTY, "group " + groupId + " has active members");
            }
            located.partition.catchUp();
            Map<OffsetKey, CommittedOffset> tombstones = new LinkedHashMap<>();
            located.partition.snapshot().keySet().stream().filter(key -> key.groupId().equals(groupId))
                    .forEach(key -> tombstones.put(key, null));
            boolean known = located.partition.membership().describe(groupId, nowMs) != null
                    || located.partition.classic().describe(groupId) != null;
            if (tombstones.isEmpty() && !known) {
                return new ErrorResult(ErrorCode.GROUP_ID_NOT_FOUND, "group " + groupId + " does not exist");
            }
            located.partition.membership().delete(groupId);
            located.partition.classic().delete(groupId);
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

    /** Whether the group has members of either kind. Under the partition's lock. */
    private static boolean hasMembers(OffsetsPartition partition, String groupId, long nowMs) {
        return partition.membership().hasMembers(groupId, nowMs) || partition.classic().hasMembers(groupId);
    }

    /** Forgets cached state, e.g. when this broker stops leading an offsets partition. */
    public void forget(int offsetsPartition) {
        OffsetsPartition.retire(partitions.remove(offsetsPartition), "this broker stopped coordinating "
                + OFFSETS_TOPIC + "-" + offsetsPartition);
    }

    /** The offsets partitions this broker has state for, by index (some may have moved: see {@link #locateIndex}). */
    Map<Integer, OffsetsPartition> partitions() {
        return partitions;
    }

    private static TopicPartitionOffset toProto(String topic, int partition, CommittedOffset value) {
        return TopicPartitionOffset.newBuilder().setTopic(topic).setPartition(partition)
                .setOffset(value == null ? -1 : value.offset())
                .setMetadata(value == null ? "" : value.metadata()).build();
    }

    Located locate(String groupId, int offsetsPartitions) {
        if (groupId.isEmpty()) {
            return Located.failed(ErrorCode.INVALID_GROUP_ID, "the group id must not be empty");
        }
        if (offsetsPartitions <= 0) {
            return Located.failed(ErrorCode.LEADER_NOT_AVAILABLE, OFFSETS_TOPIC + " is not created yet");
        }
        return locateIndex(partitionFor(groupId, offsetsPartitions));
    }

    Located locateIndex(int index) {
        if (!lease.isValid()) {
            return Located.failed(ErrorCode.NOT_LEADER, "group coordinator: this broker has lost contact with the "
                    + "controller, so " + OFFSETS_TOPIC + "-" + index + " may have moved; find the coordinator again");
        }
        ResolvedPartition resolved = resolver.resolve(OFFSETS_TOPIC, index);
        if (resolved instanceof ResolvedPartition.Failure failure) {
            OffsetsPartition.retire(partitions.remove(index), "group coordinator: " + failure.message());
            return Located.failed(failure.error(), "group coordinator: " + failure.message());
        }
        ResolvedPartition.Leader leader = (ResolvedPartition.Leader) resolved;
        // A new leader epoch starts afresh even on the same log: leadership may have gone elsewhere and come back,
        // and the membership kept from the earlier term would hand out generations the other coordinator replaced.
        OffsetsPartition[] replaced = new OffsetsPartition[1];
        OffsetsPartition partition = partitions.compute(index, (i, existing) -> {
            if (existing != null && existing.log() == leader.log() && existing.leaderEpoch() == leader.leaderEpoch()) {
                return existing;
            }
            replaced[0] = existing;
            return new OffsetsPartition(leader.log(), leader.leaderEpoch(),
                    new GroupMembership(newRandom(), rebalanceListener),
                    new ClassicGroups(newRandom(), classicInitialDelayMs));
        });
        // Outside compute: retiring takes the old partition's lock, which must never be taken inside the map's.
        OffsetsPartition.retire(replaced[0], "group coordinator: " + OFFSETS_TOPIC + "-" + index
                + " has a new leader epoch");
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

    record Located(OffsetsPartition partition, int leaderEpoch, ErrorCode error, String message) {
        static Located failed(ErrorCode error, String message) {
            return new Located(null, -1, error, message);
        }
    }
}
