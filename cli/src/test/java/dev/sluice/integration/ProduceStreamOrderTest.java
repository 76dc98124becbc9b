package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.ProduceResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strict form of {@link PipelinedProduceOrderTest}, on a produce stream: many sequenced batches of one partition
 * sent without waiting for answers (more than the broker handles at once, so flow control holds some back) are all
 * appended in sending order and answered in that order. Unlike unary calls, a stream never delivers them out of
 * order, so this runs in every build.
 */
class ProduceStreamOrderTest {
    private static final int BATCHES = 400;

    @TempDir
    Path dataDir;

    @Test
    void pipelinedIdempotentBatchesOfOneStreamAreAppendedAndAnsweredInSendingOrder() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("ordered", 1, (short) 1, Map.of())));
            ManagedChannel channel = ManagedChannelBuilder.forTarget(node.bootstrapServers()).usePlaintext().build();
            try {
                InitProducerIdResponse init = BrokerGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .initProducerId(InitProducerIdRequest.getDefaultInstance());
                assertThat(init.getError()).isEqualTo(ErrorCode.NONE);
                List<ProduceResponse> answers = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> ended = new CompletableFuture<>();
                StreamObserver<ProduceRequest> requests = BrokerGrpc.newStub(channel).withDeadlineAfter(60,
                        TimeUnit.SECONDS).produceStream(new StreamObserver<>() {
                            @Override
                            public void onNext(ProduceResponse response) {
                                answers.add(response);
                            }

                            @Override
                            public void onError(Throwable error) {
                                ended.completeExceptionally(error);
                            }

                            @Override
                            public void onCompleted() {
                                ended.complete(null);
                            }
                        });
                for (int i = 0; i < BATCHES; i++) {
                    requests.onNext(ProduceRequest.newBuilder().setAcks(-1).addPartitions(ProducePartition.newBuilder()
                            .setTopic("ordered").setPartition(0).setBatch(PipelinedProduceOrderTest.batch(
                                    init.getProducerId(), init.getProducerEpoch(), i * 10))).build());
                }
                requests.onCompleted();
                ended.get(60, TimeUnit.SECONDS);
                assertThat(answers).hasSize(BATCHES);
                for (int i = 0; i < BATCHES; i++) {
                    ProducePartitionResult result = answers.get(i).getResults(0);
                    assertThat(result.getError()).as("batch %d: %s", i, result.getErrorMessage())
                            .isEqualTo(ErrorCode.NONE);
                    assertThat(result.getBaseOffset()).as("batch %d", i).isEqualTo(i * 10L);
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
