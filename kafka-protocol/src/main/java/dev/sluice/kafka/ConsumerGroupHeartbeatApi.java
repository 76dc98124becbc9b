package dev.sluice.kafka;

import dev.sluice.broker.rpc.GroupGrpcService;
import dev.sluice.kafka.ConsumerMemberFields.Fields;
import dev.sluice.kafka.ConsumerMemberFields.PartitionName;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.HeartbeatResponse;
import dev.sluice.proto.v1.TopicPartitions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData.Assignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;

/**
 * Kafka's ConsumerGroupHeartbeat (KIP-848, {@code group.protocol=consumer}) on Sluice's own server-side groups,
 * which follow the same protocol: the coordinator computes the assignment and hands a partition to a new owner only
 * after the old one stopped listing it. This edge translates topic ids to names and back, fills in the fields a
 * heartbeat leaves out because they did not change ({@link ConsumerMemberFields}), and maps Kafka's server assignor
 * names ({@code uniform} is Sluice's {@code sticky}). Version 1 members choose their own member id; version 0 members
 * get one from the coordinator. Thread-safe.
 */
final class ConsumerGroupHeartbeatApi {
    private static final Map<String, String> ASSIGNORS = Map.of("uniform", "sticky", "range", "range");

    private final GroupGrpcService groups;
    private final Supplier<MetadataImage> image;
    private final ConsumerMemberFields memberFields;

    ConsumerGroupHeartbeatApi(GroupGrpcService groups, Supplier<MetadataImage> image,
                              ConsumerMemberFields memberFields) {
        this.groups = groups;
        this.image = image;
        this.memberFields = memberFields;
    }

    CompletableFuture<AbstractResponse> handle(ConsumerGroupHeartbeatRequest request, String clientId) {
        ConsumerGroupHeartbeatRequestData data = request.data();
        boolean joining = data.memberEpoch() == 0;
        Fields last = joining ? null : memberFields.last(data.groupId(), data.memberId());
        if (!joining && data.memberEpoch() > 0 && last == null) {
            // This broker never saw the member (the coordinator moved): it is unknown here, so it rejoins.
            return CompletableFuture.completedFuture(failed(Errors.UNKNOWN_MEMBER_ID, "member " + data.memberId()
                    + " is not in group " + data.groupId() + "; rejoin"));
        }
        String assignor = data.serverAssignor() == null ? (last == null ? "" : last.assignor())
                : ASSIGNORS.getOrDefault(data.serverAssignor(), data.serverAssignor());
        MetadataImage current = image.get();
        Fields fields = new Fields(
                data.instanceId() != null ? data.instanceId() : last == null ? "" : last.instanceId(),
                data.subscribedTopicNames() != null ? List.copyOf(data.subscribedTopicNames())
                        : last == null ? List.of() : last.topics(),
                data.subscribedTopicRegex() != null ? data.subscribedTopicRegex() : last == null ? "" : last.regex(),
                assignor,
                data.rebalanceTimeoutMs() >= 0 ? data.rebalanceTimeoutMs()
                        : last == null ? 0 : last.rebalanceTimeoutMs(),
                data.topicPartitions() != null ? owned(data.topicPartitions(), current)
                        : last == null ? Set.of() : last.owned());
        HeartbeatRequest.Builder heartbeat = HeartbeatRequest.newBuilder().setGroupId(data.groupId())
                .setMemberId(data.memberId()).setMemberEpoch(data.memberEpoch()).setInstanceId(fields.instanceId())
                .setClientId(clientId == null ? "" : clientId).addAllSubscribedTopics(fields.topics())
                .setSubscribedTopicRegex(fields.regex()).setAssignor(fields.assignor())
                .setRebalanceTimeoutMs(fields.rebalanceTimeoutMs());
        Map<String, List<Integer>> ownedByTopic = new LinkedHashMap<>();
        fields.owned().forEach(p -> ownedByTopic.computeIfAbsent(p.topic(), t -> new ArrayList<>()).add(p.partition()));
        ownedByTopic.forEach((topic, partitions) -> heartbeat.addOwnedPartitions(TopicPartitions.newBuilder()
                .setTopic(topic).addAllPartitions(partitions)));
        return InProcessCalls.call(groups::heartbeat, heartbeat.build())
                .thenApply(response -> answer(data, fields, response));
    }

    private AbstractResponse answer(ConsumerGroupHeartbeatRequestData data, Fields fields,
                                    HeartbeatResponse response) {
        if (response.getError() != ErrorCode.NONE) {
            memberFields.forget(data.groupId(), data.memberId());
            return failed(KafkaErrors.of(response.getError()), response.getErrorMessage());
        }
        if (data.memberEpoch() < 0) {
            memberFields.forget(data.groupId(), response.getMemberId());
        } else {
            memberFields.remember(data.groupId(), response.getMemberId(), fields);
        }
        ConsumerGroupHeartbeatResponseData answer = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(response.getMemberId()).setMemberEpoch(response.getMemberEpoch())
                .setHeartbeatIntervalMs(response.getHeartbeatIntervalMs());
        if (data.memberEpoch() >= 0) {
            answer.setAssignment(assignment(response.getAssignmentList(), image.get()));
        }
        return new ConsumerGroupHeartbeatResponse(answer);
    }

    private static Set<PartitionName> owned(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> partitions,
                                            MetadataImage image) {
        Set<PartitionName> owned = new HashSet<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions topic : partitions) {
            TopicImage known = image.topics().topic(TopicAdminApi.javaUuid(topic.topicId()));
            if (known != null) {
                topic.partitions().forEach(p -> owned.add(new PartitionName(known.name(), p)));
            }
        }
        return Set.copyOf(owned);
    }

    /** The assignment by topic id; a topic deleted since the coordinator computed it is left out. */
    private static Assignment assignment(List<TopicPartitions> assigned, MetadataImage image) {
        Assignment assignment = new Assignment();
        for (TopicPartitions topic : assigned) {
            TopicImage known = image.topics().topic(topic.getTopic());
            if (known != null) {
                assignment.topicPartitions().add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                        .setTopicId(TopicAdminApi.uuid(known.id())).setPartitions(topic.getPartitionsList()));
            }
        }
        return assignment;
    }

    private static ConsumerGroupHeartbeatResponse failed(Errors error, String message) {
        return new ConsumerGroupHeartbeatResponse(new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(error.code()).setErrorMessage(message));
    }
}
