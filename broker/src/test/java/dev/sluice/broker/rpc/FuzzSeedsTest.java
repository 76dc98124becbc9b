package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.internal.v1.AlterPartitionRequest;
import dev.sluice.proto.internal.v1.BrokerHeartbeatRequest;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.internal.v1.RaftFetchRequest;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.VoteRequest;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.FetchPartition;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.proto.v1.HeartbeatRequest;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsRequest;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.MetadataRequest;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.proto.v1.TopicPartitions;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the seed corpora of the broker's byte-input fuzz tests from the same builders the unit tests use: realistic
 * batches in every codec and one valid request per method. Run with {@code -Dfuzz.writeSeeds=true} after a format
 * change, and review the diff; the files live next to the fuzz tests' findings in {@code src/test/resources}.
 */
class FuzzSeedsTest {
    private static final Path RESOURCES = Path.of("src/test/resources/dev/sluice/broker");

    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() {
        Map<String, byte[]> batches = batches();
        batches.forEach((name, bytes) -> write(RESOURCES.resolve("partition/BatchValidatorFuzzTestInputs/batchBytes"),
                name, bytes));
        requests().forEach((name, bytes) -> write(RESOURCES.resolve("rpc/BrokerRequestsFuzzTestInputs/requestBytes"),
                name, bytes));
    }

    @Test
    void everySeedRequestNamesAMethodOfTheTarget() {
        assertThat(requests()).hasSizeGreaterThan(10);
        requests().values().forEach(bytes -> assertThat(Byte.toUnsignedInt(bytes[0]))
                .isLessThan(BrokerRequestsFuzzTest.methods().size()));
    }

    static Map<String, byte[]> batches() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        RecordBatch plain = TestBatches.clientBatch(3, 1_000, 1_002);
        seeds.put("none-3-records", plain.toByteArray());
        for (Codec codec : new Codec[] {Codec.CODEC_GZIP, Codec.CODEC_SNAPPY, Codec.CODEC_LZ4, Codec.CODEC_ZSTD}) {
            seeds.put(codec.name().substring(6).toLowerCase() + "-3-records", compressed(plain, codec).toByteArray());
        }
        RecordBatch idempotent = plain.toBuilder().setHeader(plain.getHeader().toBuilder().setProducerId(7)
                .setProducerEpoch(1).setBaseSequence(40).setCrc32C(crc(plain))).build();
        seeds.put("idempotent-with-crc", idempotent.toByteArray());
        Records withHeaders = Records.newBuilder().addRecords(LogRecord.newBuilder().setValue(ByteString.copyFromUtf8(
                "{\"id\":1}")).addHeaders(RecordHeader.newBuilder().setKey("trace").setValue(ByteString.copyFromUtf8(
                "abc"))).setTimestampDeltaMs(0)).addRecords(LogRecord.newBuilder()
                .setKey(ByteString.copyFromUtf8("k")).setTimestampDeltaMs(5)).build();
        seeds.put("headers-and-tombstone", RecordBatch.newBuilder().setHeader(plain.getHeader().toBuilder()
                .setRecordCount(2).setMaxTimestampMs(1_005)).setRecords(withHeaders).build().toByteArray());
        return seeds;
    }

    private static int crc(RecordBatch batch) {
        return BatchChecksum.crc32c(TestBatches.view(batch).getRecords());
    }

    private static RecordBatchView compressed(RecordBatch plain, Codec codec) {
        byte[] records = plain.getRecords().toByteArray();
        return RecordBatchView.newBuilder().setHeader(plain.getHeader().toBuilder().setCodec(codec))
                .setCompressedRecords(ByteString.copyFrom(BatchCompression.compress(codec, records, records.length)))
                .build();
    }

    static Map<String, byte[]> requests() {
        RecordBatch batch = TestBatches.clientBatch(2, 1_000, 1_001);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        put(seeds, "produce", BrokerGrpcService.PRODUCE, ProduceRequest.newBuilder().setAcks(-1).setTimeoutMs(30_000)
                .addPartitions(ProducePartition.newBuilder().setTopic("orders").setPartition(0).setBatch(batch))
                .build());
        put(seeds, "produce-zstd", BrokerGrpcService.PRODUCE, ProduceRequestView.newBuilder().setAcks(1)
                .addPartitions(ProducePartitionView.newBuilder().setTopic("orders").setPartition(1)
                        .setBatch(compressed(batch, Codec.CODEC_ZSTD))).build());
        put(seeds, "fetch", BrokerGrpcService.FETCH, FetchRequest.newBuilder().setMaxWaitMs(500).setMinBytes(1)
                .setMaxBytes(1 << 20).addPartitions(FetchPartition.newBuilder().setTopic("orders").setPartition(0)
                        .setFetchOffset(42).setPartitionMaxBytes(1 << 20)).build());
        put(seeds, "list-offsets", method("sluice.v1.Broker/ListOffsets"), ListOffsetsRequest.newBuilder()
                .addPartitions(ListOffsetsPartition.newBuilder().setTopic("orders").setTimestampMs(-2)).build());
        put(seeds, "metadata", method("sluice.v1.Broker/Metadata"), MetadataRequest.newBuilder().addTopics("orders")
                .build());
        put(seeds, "create-topics", method("sluice.v1.Admin/CreateTopics"), CreateTopicsRequest.newBuilder()
                .addTopics(NewTopic.newBuilder().setName("orders").setPartitions(3).setReplicationFactor(1)
                        .putConfigs("retention.ms", "86400000")).build());
        put(seeds, "delete-topics", method("sluice.v1.Admin/DeleteTopics"), DeleteTopicsRequest.newBuilder()
                .addNames("orders").build());
        put(seeds, "alter-configs", method("sluice.v1.Admin/AlterConfigs"), AlterConfigsRequest.newBuilder()
                .addAlterations(ConfigAlteration.newBuilder().setTopic("orders").putSet("cleanup.policy", "compact")
                        .addDelete("retention.ms")).build());
        put(seeds, "heartbeat-join", method("sluice.v1.Group/Heartbeat"), HeartbeatRequest.newBuilder()
                .setGroupId("billing").setClientId("c1").addSubscribedTopics("orders").setAssignor("sticky").build());
        put(seeds, "heartbeat-regex-owned", method("sluice.v1.Group/Heartbeat"), HeartbeatRequest.newBuilder()
                .setGroupId("g").setMemberId("m").setMemberEpoch(3).setSubscribedTopicRegex("ord.*")
                .addOwnedPartitions(TopicPartitions.newBuilder().setTopic("orders").addPartitions(0)).build());
        put(seeds, "commit-offsets", method("sluice.v1.Group/CommitOffsets"), CommitOffsetsRequest.newBuilder()
                .setGroupId("billing").setMemberId("m").setMemberEpoch(2).build());
        put(seeds, "replica-fetch", method("sluice.internal.v1.Replication/ReplicaFetch"),
                ReplicaFetchRequest.newBuilder().setReplicaId(2).build());
        put(seeds, "register-broker", method("sluice.internal.v1.Controller/RegisterBroker"),
                RegisterBrokerRequest.newBuilder().setBrokerId(2).setHost("localhost").setPort(7092).build());
        put(seeds, "broker-heartbeat", method("sluice.internal.v1.Controller/BrokerHeartbeat"),
                BrokerHeartbeatRequest.newBuilder().setBrokerId(2).setBrokerEpoch(1).build());
        put(seeds, "alter-partition", method("sluice.internal.v1.Controller/AlterPartition"),
                AlterPartitionRequest.newBuilder().setTopicId(ByteString.copyFrom(new byte[16])).setLeaderId(1)
                        .addNewIsr(1).addNewIsr(2).build());
        put(seeds, "raft-vote", method("sluice.internal.v1.Raft/Vote"), VoteRequest.newBuilder().setCandidateId(2)
                .setCandidateEpoch(3).setLastOffset(10).setLastEpoch(2).build());
        put(seeds, "raft-fetch", method("sluice.internal.v1.Raft/Fetch"), RaftFetchRequest.newBuilder()
                .setReplicaId(2).setEpoch(3).setFetchOffset(11).setLastFetchedEpoch(2).setMaxBytes(1 << 20).build());
        return seeds;
    }

    private static void put(Map<String, byte[]> seeds, String name, MethodDescriptor<?, ?> method, Message request) {
        byte[] body = request.toByteArray();
        byte[] seed = new byte[body.length + 1];
        seed[0] = (byte) BrokerRequestsFuzzTest.methods().indexOf(method);
        System.arraycopy(body, 0, seed, 1, body.length);
        seeds.put(name, seed);
    }

    private static MethodDescriptor<?, ?> method(String fullName) {
        return BrokerRequestsFuzzTest.methods().stream().filter(m -> m.getFullMethodName().equals(fullName))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no method " + fullName));
    }

    private static void write(Path directory, String name, byte[] bytes) {
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
