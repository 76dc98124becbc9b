package dev.sluice.kafka;

import dev.sluice.broker.partition.ListOffsetsHandler;
import dev.sluice.broker.rpc.AuthorizedBrokerCalls;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * Kafka's ListOffsets, through the broker's {@link ListOffsetsHandler} (DESCRIBE on each topic): earliest (-2),
 * latest (-1, the high watermark, as Kafka answers consumers) and the first offset at or after a timestamp. Kafka's
 * other sentinels (max timestamp, earliest local, latest tiered) need versions not advertised and are refused per
 * partition with {@code UNSUPPORTED_VERSION}. Leader epochs are not reported (-1); consumers validate positions
 * with OffsetForLeaderEpoch. Thread-safe.
 */
final class ListOffsetsApi {
    private final AuthorizedBrokerCalls calls;

    ListOffsetsApi(AuthorizedBrokerCalls calls) {
        this.calls = calls;
    }

    ListOffsetsResponse handle(org.apache.kafka.common.requests.ListOffsetsRequest request) {
        Map<String, ListOffsetsTopicResponse> topics = new LinkedHashMap<>();
        ListOffsetsRequest.Builder sluice = ListOffsetsRequest.newBuilder();
        for (ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse response = topics.computeIfAbsent(topic.name(),
                    name -> new ListOffsetsTopicResponse().setName(name));
            topic.partitions().forEach(partition -> {
                long timestamp = partition.timestamp();
                if (timestamp < ListOffsetsHandler.EARLIEST_TIMESTAMP) {
                    response.partitions().add(new ListOffsetsPartitionResponse()
                            .setPartitionIndex(partition.partitionIndex())
                            .setErrorCode(Errors.UNSUPPORTED_VERSION.code()));
                    return;
                }
                sluice.addPartitions(ListOffsetsPartition.newBuilder().setTopic(topic.name())
                        .setPartition(partition.partitionIndex()).setTimestampMs(timestamp));
            });
        }
        for (ListOffsetsPartitionResult result : calls.listOffsets(sluice.build()).getResultsList()) {
            topics.get(result.getTopic()).partitions().add(new ListOffsetsPartitionResponse()
                    .setPartitionIndex(result.getPartition()).setErrorCode(KafkaErrors.of(result.getError()).code())
                    .setOffset(result.getOffset()).setTimestamp(result.getTimestampMs()).setLeaderEpoch(-1));
        }
        return new ListOffsetsResponse(new ListOffsetsResponseData().setTopics(new java.util.ArrayList<>(
                topics.values())));
    }
}
