package dev.sluice.kafka;

import dev.sluice.broker.rpc.AuthorizedBrokerCalls;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.ProducePartitionResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Kafka's Produce: each partition's batch is transcoded ({@link KafkaToSluiceBatch}) and the whole request goes to
 * the broker's {@code ProduceHandler} (behind the ACL checks: a topic without WRITE is answered
 * {@code TOPIC_AUTHORIZATION_FAILED}), which validates, checks idempotence, appends and, for {@code acks=all}, waits
 * for the ISR, exactly as for a gRPC producer. A partition whose batch does not transcode is answered with its error
 * and not written; the others proceed. {@code acks=0} gets no response (null). Thread-safe.
 */
final class ProduceApi {
    private final AuthorizedBrokerCalls calls;

    ProduceApi(AuthorizedBrokerCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<AbstractResponse> handle(ProduceRequest request) {
        Map<String, Map<Integer, PartitionProduceResponse>> answers = new LinkedHashMap<>();
        ProduceRequestView.Builder sluice = ProduceRequestView.newBuilder().setAcks(request.acks())
                .setTimeoutMs(request.timeout());
        for (TopicProduceData topic : request.data().topicData()) {
            Map<Integer, PartitionProduceResponse> partitions = answers.computeIfAbsent(topic.name(),
                    name -> new LinkedHashMap<>());
            for (PartitionProduceData partition : topic.partitionData()) {
                partitions.put(partition.index(), new PartitionProduceResponse().setIndex(partition.index()));
                try {
                    sluice.addPartitions(ProducePartitionView.newBuilder().setTopic(topic.name())
                            .setPartition(partition.index())
                            .setBatch(KafkaToSluiceBatch.transcode((MemoryRecords) partition.records())));
                } catch (KafkaToSluiceBatch.RefusedBatchException e) {
                    partitions.get(partition.index()).setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
                }
            }
        }
        int[] throttleTimeMs = new int[1];
        CompletableFuture<?> appended = sluice.getPartitionsCount() == 0 ? CompletableFuture.completedFuture(null)
                : calls.produce(sluice.build()).thenAccept(response -> {
                    throttleTimeMs[0] = response.getThrottleTimeMs();
                    for (ProducePartitionResult result : response.getResultsList()) {
                        answers.get(result.getTopic()).get(result.getPartition()).setBaseOffset(result.getBaseOffset())
                                .setErrorCode(KafkaErrors.of(result.getError()).code())
                                .setErrorMessage(result.getErrorMessage().isEmpty() ? null : result.getErrorMessage())
                                .setLogStartOffset(result.getLogStartOffset());
                    }
                });
        return appended.thenApply(ignored -> request.acks() == 0 ? null : response(answers, throttleTimeMs[0]));
    }

    /** @param throttleTimeMs the client's quota throttle (docs/security.md, "Quotas"); 0: none */
    private static ProduceResponse response(Map<String, Map<Integer, PartitionProduceResponse>> answers,
                                            int throttleTimeMs) {
        ProduceResponseData data = new ProduceResponseData().setThrottleTimeMs(throttleTimeMs);
        answers.forEach((topic, partitions) -> {
            TopicProduceResponse response = new TopicProduceResponse().setName(topic);
            partitions.values().forEach(partition -> {
                if (partition.errorCode() != Errors.NONE.code()) {
                    partition.setBaseOffset(-1);
                }
                // Sluice keeps the producer's timestamps (CreateTime), so there is no log append time to report.
                response.partitionResponses().add(partition.setLogAppendTimeMs(-1));
            });
            data.responses().add(response);
        });
        return new ProduceResponse(data);
    }
}
