package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.NewTopic;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.v1.AdminGrpc;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchPartitionResult;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against one real node through its gRPC services: every refused batch is answered with a typed error and
 * leaves the partition as it was, so a consumer reads the good records around it; bytes that are no request at all
 * are INVALID_ARGUMENT on both ports; bad sizes and counts are typed errors.
 */
class BadInputTest {
    private static final byte[] GARBAGE = {0x0a, 0x7f, 0x01};
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    @TempDir
    static Path dataDir;
    static Node node;
    static Admin admin;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir);
        admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()));
        channel = ManagedChannelBuilder.forTarget(node.bootstrapServers()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        admin.close();
        node.close();
    }

    private static Records records(String... values) {
        Records.Builder records = Records.newBuilder();
        for (String value : values) {
            records.addRecords(LogRecord.newBuilder().setValue(ByteString.copyFromUtf8(value)));
        }
        return records.build();
    }

    private static RecordBatchHeader.Builder header(int recordCount) {
        return RecordBatchHeader.newBuilder().setRecordCount(recordCount).setFirstTimestampMs(1).setMaxTimestampMs(1);
    }

    /** A compressed batch whose CRC matches its bytes, as a client computes it, whatever those bytes are. */
    private static RecordBatch compressed(RecordBatchHeader.Builder header, byte[] compressedRecords) {
        ByteString bytes = ByteString.copyFrom(compressedRecords);
        return RecordBatch.newBuilder().setHeader(header.setCodec(Codec.CODEC_ZSTD)
                .setCrc32C(BatchChecksum.crc32c(bytes))).setCompressedRecords(bytes).build();
    }

    private static byte[] zstd(Records records) {
        return zstd(records.toByteArray());
    }

    private static byte[] zstd(byte[] plain) {
        return BatchCompression.compress(Codec.CODEC_ZSTD, plain, plain.length);
    }

    private static ProducePartitionResult produce(String topic, RecordBatch batch) {
        return BrokerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .produce(ProduceRequest.newBuilder().setAcks(1)
                        .addPartitions(ProducePartition.newBuilder().setTopic(topic).setBatch(batch)).build())
                .getResults(0);
    }

    @Test
    void refusedBatchesDoNotPoisonThePartition() {
        admin.createTopics(List.of(new NewTopic("guarded", 1, 1)));
        RecordBatch first = RecordBatch.newBuilder().setHeader(header(2)).setRecords(records("a", "b")).build();
        assertThat(produce("guarded", first).getError()).isEqualTo(ErrorCode.NONE);

        ProducePartitionResult lyingCount = produce("guarded", compressed(header(2), zstd(records("x", "y", "z"))));
        ProducePartitionResult undecodable = produce("guarded",
                compressed(header(1), "not zstd at all, but the CRC matches".getBytes(StandardCharsets.US_ASCII)));
        byte[] twoRecords = records("q", "r").toByteArray();
        ProducePartitionResult truncated = produce("guarded",
                compressed(header(2), zstd(Arrays.copyOf(twoRecords, twoRecords.length - 2))));
        ProducePartitionResult withOffsetDelta = produce("guarded", compressed(header(1), zstd(Records.newBuilder()
                .addRecords(LogRecord.newBuilder().setValue(ByteString.copyFromUtf8("w")).setOffsetDelta(7))
                .build())));

        assertThat(lyingCount.getError()).isEqualTo(ErrorCode.INVALID_RECORD);
        assertThat(lyingCount.getErrorMessage()).contains("record_count is 2 but the batch holds 3 records");
        assertThat(undecodable.getError()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        assertThat(truncated.getError()).isEqualTo(ErrorCode.CORRUPT_MESSAGE);
        assertThat(withOffsetDelta.getError()).isEqualTo(ErrorCode.INVALID_RECORD);

        ProducePartitionResult last = produce("guarded", compressed(header(3), zstd(records("c", "d", "e"))));
        assertThat(last.getError()).isEqualTo(ErrorCode.NONE);
        assertThat(last.getBaseOffset()).isEqualTo(2);

        List<ConsumerRecord<String, String>> read = readAll("guarded", 5);
        assertThat(read).extracting(ConsumerRecord::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(read).extracting(ConsumerRecord::value).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void bytesThatAreNoRequestAreInvalidArgumentOnBothPorts() throws Exception {
        List<MethodDescriptor<?, ?>> brokerPort = List.of(BrokerGrpc.getProduceMethod(), BrokerGrpc.getFetchMethod(),
                AdminGrpc.getCreateTopicsMethod(), GroupGrpc.getHeartbeatMethod());
        for (MethodDescriptor<?, ?> method : brokerPort) {
            assertInvalidArgument(channel, method);
        }
        ManagedChannel controller = ManagedChannelBuilder.forAddress("127.0.0.1", node.controllerPort())
                .usePlaintext().build();
        try {
            assertInvalidArgument(controller, ControllerGrpc.getRegisterBrokerMethod());
        } finally {
            controller.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // The connection that carried the garbage still serves well-formed calls.
        assertThat(BrokerGrpc.newBlockingStub(channel).metadata(MetadataRequest.newBuilder().setAllTopics(true)
                .build()).getBrokersCount()).isEqualTo(1);
    }

    private static void assertInvalidArgument(ManagedChannel on, MethodDescriptor<?, ?> method) {
        MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(on, raw,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), GARBAGE))
                .as(method.getFullMethodName())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("malformed " + method.getFullMethodName());
                });
    }

    @Test
    void negativeFetchSizesAreTypedErrors() {
        FetchPartition partition = FetchPartition.newBuilder().setTopic("guarded").build();
        List<FetchRequest> bad = List.of(
                FetchRequest.newBuilder().setMaxBytes(-1).addPartitions(partition).build(),
                FetchRequest.newBuilder().setMinBytes(-1).addPartitions(partition).build(),
                FetchRequest.newBuilder().setMaxWaitMs(-1).addPartitions(partition).build(),
                FetchRequest.newBuilder().addPartitions(partition.toBuilder().setPartitionMaxBytes(-1)).build());
        for (FetchRequest request : bad) {
            FetchPartitionResult result = BrokerGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .fetch(request).getResults(0);
            assertThat(result.getError()).as(request.toString()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(result.getErrorMessage()).contains("must be");
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int count) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // Polls past the expected count for a moment, so a duplicate or an extra record would show.
            while (System.nanoTime() < deadline && (all.size() < count || consumer.position(partition) < count)) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            consumer.poll(Duration.ofMillis(300)).forEach(all::add);
        }
        return all;
    }
}
