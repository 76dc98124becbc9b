package dev.sluice.client.internal;

import dev.sluice.client.ConsumerGroupDescription;
import dev.sluice.client.ConsumerGroupListing;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.OffsetResetSpec;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.DeleteGroupRequest;
import dev.sluice.proto.v1.DeleteGroupResponse;
import dev.sluice.proto.v1.DescribeGroupsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.GroupDescription;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.ListGroupsRequest;
import dev.sluice.proto.v1.ListGroupsResponse;
import dev.sluice.proto.v1.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The admin client's consumer-group calls: list (every broker), describe and delete (the coordinator), offset
 * lookups and resets. Synchronized: the admin client is thread-safe and this holds a metadata cache.
 */
public final class GroupAdmin {
    private final AdminSettings settings;
    private final ChannelPool channels;
    private final Time time;
    private final Metadata metadata;
    private final OffsetLookup offsets;
    private final RetryingCall retrying;

    public GroupAdmin(AdminSettings settings, ChannelPool channels, Time time) {
        this.settings = settings;
        this.channels = channels;
        this.time = time;
        this.metadata = new Metadata(settings.bootstrapServers(), channels, time, 0, settings.retryBackoffMs(),
                settings.requestTimeoutMs());
        this.offsets = new OffsetLookup(metadata, channels, time, settings.requestTimeoutMs(),
                settings.retryBackoffMs());
        this.retrying = new RetryingCall(time, settings.retryBackoffMs());
    }

    private GroupClient client(String groupId) {
        return new GroupClient(groupId, metadata, channels, time, settings.requestTimeoutMs(),
                settings.retryBackoffMs());
    }

    /** Groups of every broker (each lists those it coordinates), sorted by id. */
    public synchronized List<ConsumerGroupListing> list(Collection<String> brokerAddresses) {
        Map<String, ConsumerGroupListing> groups = new TreeMap<>();
        for (String address : brokerAddresses) {
            ListGroupsResponse response = retrying.call(deadline(), () -> {
                try {
                    return GroupGrpc.newBlockingStub(channels.channel(address))
                            .withDeadlineAfter(settings.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                            .listGroups(ListGroupsRequest.getDefaultInstance());
                } catch (RuntimeException e) {
                    throw Errors.fromTransport(address, e);
                }
            }, () -> { });
            response.getGroupsList().forEach(g -> groups.put(g.getGroupId(),
                    new ConsumerGroupListing(g.getGroupId(), g.getState(), g.getMembers())));
        }
        return new ArrayList<>(groups.values());
    }

    public synchronized ConsumerGroupDescription describe(String groupId) {
        GroupClient client = client(groupId);
        GroupDescription group = retrying.call(deadline(), () -> {
            GroupDescription described = client.onCoordinator(stub -> stub.describeGroups(
                    DescribeGroupsRequest.newBuilder().addGroupIds(groupId).build())).getGroups(0);
            check(described.getError(), described.getErrorMessage());
            return described;
        }, client::forgetCoordinator);
        Map<TopicPartition, Long> committed = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition));
        client.fetchOffsets(List.of(), settings.defaultApiTimeoutMs())
                .forEach((tp, offset) -> committed.put(tp, offset.offset()));
        List<ConsumerGroupDescription.Member> members = group.getMembersList().stream()
                .map(m -> new ConsumerGroupDescription.Member(m.getMemberId(), m.getInstanceId(), m.getClientId(),
                        m.getMemberEpoch(), partitions(m.getAssignmentList()),
                        partitions(m.getPendingRevocationList()))).toList();
        return new ConsumerGroupDescription(groupId, group.getState(), group.getGroupEpoch(), group.getAssignor(),
                members, committed);
    }

    public synchronized void delete(String groupId) {
        GroupClient client = client(groupId);
        retrying.call(deadline(), () -> {
            DeleteGroupResponse response = client.onCoordinator(stub -> stub.deleteGroup(
                    DeleteGroupRequest.newBuilder().setGroupId(groupId).build()));
            check(response.getError(), response.getErrorMessage());
            return null;
        }, client::forgetCoordinator);
    }

    /** Offsets by ListOffsets spec (-2 earliest, -1 latest, or a timestamp) per partition. */
    public synchronized Map<TopicPartition, Long> listOffsets(Map<TopicPartition, Long> specs) {
        metadata.update(specs.keySet().stream().map(TopicPartition::topic).distinct().toList());
        return offsets.lookup(specs, settings.defaultApiTimeoutMs());
    }

    /** Moves the group's committed offsets of every partition of {@code topic}; refused while it has members. */
    public synchronized Map<TopicPartition, Long> reset(String groupId, String topic, int partitionCount,
                                                        OffsetResetSpec spec) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> earliest = listOffsets(specs(partitions, OffsetLookup.EARLIEST));
        Map<TopicPartition, Long> latest = listOffsets(specs(partitions, OffsetLookup.LATEST));
        Map<TopicPartition, Long> timed = spec instanceof OffsetResetSpec.ToTimestamp t
                ? listOffsets(specs(partitions, t.timestampMs())) : Map.of();
        GroupClient client = client(groupId);
        Map<TopicPartition, OffsetAndMetadata> committed = spec instanceof OffsetResetSpec.ShiftBy
                ? client.fetchOffsets(partitions, settings.defaultApiTimeoutMs()) : Map.of();
        Map<TopicPartition, Long> target = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            long wanted;
            if (spec instanceof OffsetResetSpec.Earliest) {
                wanted = low;
            } else if (spec instanceof OffsetResetSpec.Latest) {
                wanted = high;
            } else if (spec instanceof OffsetResetSpec.ToOffset o) {
                wanted = o.offset();
            } else if (spec instanceof OffsetResetSpec.ToTimestamp) {
                wanted = timed.get(tp) < 0 ? high : timed.get(tp);
            } else {
                long base = committed.containsKey(tp) ? committed.get(tp).offset() : low;
                wanted = base + ((OffsetResetSpec.ShiftBy) spec).delta();
            }
            target.put(tp, Math.max(low, Math.min(high, wanted)));
        }
        Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
        target.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
        client.commit(commits, settings.defaultApiTimeoutMs(), true);
        return target;
    }

    private static Map<TopicPartition, Long> specs(List<TopicPartition> partitions, long spec) {
        Map<TopicPartition, Long> specs = new LinkedHashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        return specs;
    }

    private long deadline() {
        return time.milliseconds() + settings.defaultApiTimeoutMs();
    }

    private static List<TopicPartition> partitions(List<TopicPartitions> list) {
        List<TopicPartition> result = new ArrayList<>();
        list.forEach(t -> t.getPartitionsList().forEach(p -> result.add(new TopicPartition(t.getTopic(), p))));
        return result;
    }

    private static void check(ErrorCode code, String message) {
        if (code != ErrorCode.NONE) {
            throw Errors.toException(code, message);
        }
    }
}
