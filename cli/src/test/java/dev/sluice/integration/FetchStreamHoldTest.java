package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.ByteArraySerializer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.FetchResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client over its consumer byte-rate quota that does not wait out the throttle time it was told (KIP-219) has its
 * next fetch held by the broker, on a fetch stream as on a unary Fetch. Only a lower bound on the hold is checked, so a
 * slow machine cannot fail it.
 */
@Tag("integration")
class FetchStreamHoldTest {
    private static final Metadata.Key<String> CLIENT_ID =
            Metadata.Key.of("sluice-client-id", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    Path dataDir;

    @Test
    void aFetchSentInsideItsThrottleIsHeld() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("held", 1, (short) 1, Map.of())));
            admin.alterClientQuotas(null, "greedy", Map.of("consumer_byte_rate", 64.0 * 1024), List.of());
            try (Producer<byte[], byte[]> producer = new Producer<>(Map.of("bootstrap.servers",
                    node.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 512; i++) {
                    producer.send(new ProducerRecord<>("held", null, new byte[1000]));
                }
                producer.flush();
            }
            Metadata headers = new Metadata();
            headers.put(CLIENT_ID, "greedy");
            ManagedChannel channel = ManagedChannelBuilder.forTarget(node.bootstrapServers()).usePlaintext().build();
            try {
                LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
                StreamObserver<FetchRequest> requests = BrokerGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .fetchStream(new StreamObserver<>() {
                            @Override
                            public void onNext(FetchResponse response) {
                                answers.add(response);
                            }

                            @Override
                            public void onError(Throwable error) {
                                answers.add(error);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                // About 500 KB at 64 KiB/s: the first answer tells the client to wait several seconds.
                requests.onNext(fetch(0));
                Object first = answers.poll(30, TimeUnit.SECONDS);
                assertThat(first).isInstanceOf(FetchResponse.class);
                int throttleMs = ((FetchResponse) first).getThrottleTimeMs();
                assertThat(throttleMs).isGreaterThan(2000);
                assertThat(((FetchResponse) first).getResults(0).getError()).isEqualTo(ErrorCode.NONE);

                long sentNanos = System.nanoTime();
                requests.onNext(fetch(0));
                Object second = answers.poll(30, TimeUnit.SECONDS);
                long heldMs = (System.nanoTime() - sentNanos) / 1_000_000;
                assertThat(second).isInstanceOf(FetchResponse.class);
                assertThat(heldMs).as("the second fetch waited out the throttle").isGreaterThanOrEqualTo(1000);
                requests.onCompleted();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static FetchRequest fetch(long offset) {
        return FetchRequest.newBuilder().setMaxBytes(1024 * 1024).addPartitions(FetchPartition.newBuilder()
                .setTopic("held").setPartition(0).setFetchOffset(offset).setPartitionMaxBytes(1024 * 1024)).build();
    }
}
