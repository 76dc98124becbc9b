package dev.sluice.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.proto.internal.v1.AllocateProducerIdsRequest;
import dev.sluice.proto.internal.v1.AlterPartitionRequest;
import dev.sluice.proto.internal.v1.BrokerHeartbeatRequest;
import dev.sluice.proto.internal.v1.ControlledShutdownRequest;
import dev.sluice.proto.internal.v1.CreateInternalTopicRequest;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.SenderIdentity;
import dev.sluice.proto.v1.AlterConfigsRequest;
import dev.sluice.proto.v1.ConfigAlteration;
import dev.sluice.proto.v1.DeleteTopicsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ReassignPartitionRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seed corpus of {@link ControllerRequestsFuzzTest}: one request of each type that the controller accepts on its
 * fixed image, written with {@code -Dfuzz.writeSeeds=true} after a format change (review the diff).
 */
class ControllerFuzzSeedsTest {
    private static final Path SEEDS =
            Path.of("src/test/resources/dev/sluice/controller/ControllerRequestsFuzzTestInputs/requests");

    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void writeSeeds() throws IOException {
        Files.createDirectories(SEEDS);
        for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
            Files.write(SEEDS.resolve(seed.getKey()), seed.getValue());
        }
    }

    /** Each seed is a request the controller accepts: the fuzzer starts from the paths that change metadata. */
    @Test
    void everySeedIsAcceptedByTheController() {
        assertThat(seeds()).hasSize(ControllerRequestsFuzzTest.REQUEST_TYPES);
        seeds().forEach((name, bytes) -> {
            try {
                Object response = ControllerRequestsFuzzTest.decide(bytes[0], java.util.Arrays.copyOfRange(bytes, 1,
                        bytes.length)).response();
                assertThat(response.toString()).as(name).doesNotContain("error_message")
                        .satisfiesAnyOf(s -> assertThat(s).doesNotContain("error="),
                                s -> assertThat(s).contains("error=" + ErrorCode.NONE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Map<String, byte[]> seeds() {
        TopicImage orders = ControllerRequestsFuzzTest.IMAGE.topics().topic("orders");
        PartitionImage partition = orders.partition(0);
        SenderIdentity sender = SenderIdentity.newBuilder().setIncarnationId("incarnation-2")
                .setDirectoryId("directory-2").build();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        put(seeds, "register-broker", 0, RegisterBrokerRequest.newBuilder().setBrokerId(4).setHost("host4")
                .setPort(7092).setRack("r1").setSender(sender).build());
        put(seeds, "broker-heartbeat", 1, BrokerHeartbeatRequest.newBuilder().setBrokerId(2).setBrokerEpoch(1)
                .build());
        put(seeds, "create-topics", 2, Fixtures.create(Fixtures.newTopic("events", 2, 2, Map.of("cleanup.policy",
                "compact", "flush.messages", "1"))));
        put(seeds, "delete-topics", 3, DeleteTopicsRequest.newBuilder().addNames("orders").build());
        put(seeds, "alter-configs", 4, AlterConfigsRequest.newBuilder().addAlterations(ConfigAlteration.newBuilder()
                .setTopic("orders").putSet("retention.ms", "1000").putSet("durable.acks", "true")).build());
        put(seeds, "create-internal-topic", 5, CreateInternalTopicRequest.newBuilder().setName("__consumer_offsets")
                .setPartitions(3).setReplicationFactor(3).putConfigs("cleanup.policy", "compact").build());
        put(seeds, "alter-partition", 6, AlterPartitionRequest.newBuilder()
                .setTopicId(MetadataRecords.topicIdBytes(orders.id())).setPartition(0)
                .setLeaderId(partition.leaderId()).setLeaderEpoch(partition.leaderEpoch())
                .setPartitionEpoch(partition.partitionEpoch()).addNewIsr(partition.leaderId()).build());
        put(seeds, "allocate-producer-ids", 7, AllocateProducerIdsRequest.newBuilder().setBrokerId(2).setCount(1000)
                .build());
        put(seeds, "reassign-partition", 8, ReassignPartitionRequest.newBuilder().setTopic("orders").setPartition(1)
                .addReplicas(3).addReplicas(2).addReplicas(1).build());
        put(seeds, "controlled-shutdown", 9, ControlledShutdownRequest.newBuilder().setBrokerId(3).setBrokerEpoch(1)
                .build());
        return seeds;
    }

    private static void put(Map<String, byte[]> seeds, String name, int type, Message request) {
        byte[] body = request.toByteArray();
        byte[] seed = new byte[body.length + 1];
        seed[0] = (byte) type;
        System.arraycopy(body, 0, seed, 1, body.length);
        seeds.put(name, seed);
    }
}
