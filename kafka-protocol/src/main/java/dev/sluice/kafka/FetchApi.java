package dev.sluice.kafka;

import dev.sluice.broker.rpc.AuthorizedBrokerCalls;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.FetchPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's Fetch for consumers, through the broker's {@code FetchHandler} (a topic without READ is answered
 * {@code TOPIC_AUTHORIZATION_FAILED}): the same long poll ({@code max.wait.ms},
 * {@code min.bytes}) on the broker's delayed fetch, the same limits, records below the high watermark only; its
 * stored batches are transcoded to Kafka batches ({@link SluiceToKafkaBatch}). Sluice has no transactions yet, so
 * {@code read_committed} reads up to the high watermark too (the last stable offset is the high watermark, and no
 * transaction was aborted).
 *
 * <p>No fetch sessions (KIP-227): every answer carries session id 0, which tells a client that no session was
 * created, so it keeps sending full requests; a request naming a session is refused with
 * {@code FETCH_SESSION_ID_NOT_FOUND}. Follower fetches (a replica id) are refused: replication is Sluice's own.
 * Thread-safe.
 */
final class FetchApi {
    private static final Logger log = LoggerFactory.getLogger(FetchApi.class);

    private final AuthorizedBrokerCalls calls;

    FetchApi(AuthorizedBrokerCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<AbstractResponse> handle(FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != 0 || data.sessionEpoch() > 0) {
            return CompletableFuture.completedFuture(FetchResponse.of(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())));
        }
        if (request.replicaId() >= 0) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0,
                    Errors.INVALID_REQUEST.exception("follower fetches are not served on the Kafka listener")));
        }
        dev.sluice.proto.v1.FetchRequest.Builder sluice = dev.sluice.proto.v1.FetchRequest.newBuilder()
                .setMaxWaitMs(Math.max(0, data.maxWaitMs())).setMinBytes(Math.max(0, data.minBytes()))
                .setMaxBytes(Math.max(0, data.maxBytes()));
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                sluice.addPartitions(FetchPartition.newBuilder().setTopic(topic.topic())
                        .setPartition(partition.partition()).setFetchOffset(partition.fetchOffset())
                        .setPartitionMaxBytes(Math.max(0, partition.partitionMaxBytes())));
            }
        }
        return calls.fetch(sluice.build()).thenApply(FetchApi::response);
    }

    private static FetchResponse response(FetchResponseView view) {
        Map<String, List<PartitionData>> byTopic = new LinkedHashMap<>();
        for (FetchPartitionResultView result : view.getResultsList()) {
            byTopic.computeIfAbsent(result.getTopic(), topic -> new ArrayList<>()).add(partition(result));
        }
        FetchResponseData data = new FetchResponseData().setSessionId(0).setThrottleTimeMs(view.getThrottleTimeMs());
        byTopic.forEach((topic, partitions) -> data.responses().add(new FetchableTopicResponse().setTopic(topic)
                .setPartitions(partitions)));
        return FetchResponse.of(data);
    }

    private static PartitionData partition(FetchPartitionResultView result) {
        PartitionData partition = new PartitionData().setPartitionIndex(result.getPartition())
                .setErrorCode(KafkaErrors.of(result.getError()).code())
                .setHighWatermark(result.getHighWatermark()).setLastStableOffset(result.getHighWatermark())
                .setLogStartOffset(result.getLogStartOffset()).setAbortedTransactions(new ArrayList<>())
                .setRecords(MemoryRecords.EMPTY);
        if (result.getBatchesCount() == 0) {
            return partition;
        }
        try {
            return partition.setRecords(SluiceToKafkaBatch.transcode(result.getBatchesList()));
        } catch (IOException | RuntimeException e) {
            // Stored batches were validated when they were produced; one that does not transcode is a bug here.
            log.error("Fetch of {}-{}: stored batches do not transcode to Kafka records", result.getTopic(),
                    result.getPartition(), e);
            return partition.setErrorCode(Errors.UNKNOWN_SERVER_ERROR.code());
        }
    }
}
