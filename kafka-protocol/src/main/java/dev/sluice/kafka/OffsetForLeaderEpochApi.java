package dev.sluice.kafka;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.partition.ListOffsetsHandler.EpochEndLookup;
import dev.sluice.proto.v1.ErrorCode;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * Kafka's OffsetForLeaderEpoch, which consumers send after a leader change to check that the log they read was not
 * truncated under them (position validation): where the requested epoch ends in the leader's log. A client that
 * believes in an older leader epoch is fenced ({@code FENCED_LEADER_EPOCH}); one ahead of this broker gets
 * {@code UNKNOWN_LEADER_EPOCH} and retries, as from Kafka. Thread-safe.
 */
final class OffsetForLeaderEpochApi {
    private final ListOffsetsHandler handler;
    private final RequestAuthorizer authorizer;

    OffsetForLeaderEpochApi(ListOffsetsHandler handler, RequestAuthorizer authorizer) {
        this.handler = handler;
        this.authorizer = authorizer;
    }

    OffsetsForLeaderEpochResponse handle(OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData data = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            boolean described = authorizer.allowed(Action.DESCRIBE_TOPIC, topic.topic());
            for (OffsetForLeaderPartition partition : topic.partitions()) {
                result.partitions().add(described ? answer(topic.topic(), partition) : new EpochEndOffset()
                        .setPartition(partition.partition()).setLeaderEpoch(-1).setEndOffset(-1)
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
            data.topics().add(result);
        }
        return new OffsetsForLeaderEpochResponse(data);
    }

    private EpochEndOffset answer(String topic, OffsetForLeaderPartition partition) {
        EpochEndOffset answer = new EpochEndOffset().setPartition(partition.partition()).setLeaderEpoch(-1)
                .setEndOffset(-1);
        EpochEndLookup found = handler.endOffsetForEpoch(topic, partition.partition(), partition.leaderEpoch());
        if (found.error() != ErrorCode.NONE) {
            return answer.setErrorCode(KafkaErrors.of(found.error()).code());
        }
        int current = partition.currentLeaderEpoch();
        if (current >= 0 && current < found.currentLeaderEpoch()) {
            return answer.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
        }
        if (current > found.currentLeaderEpoch()) {
            return answer.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        return answer.setLeaderEpoch(found.epoch()).setEndOffset(found.endOffset());
    }
}
