package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.SluiceException;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.CommitOffsetsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.GroupGrpc;
import dev.sluice.proto.v1.TopicPartitionOffset;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer that stops polling loses its membership and its partitions go to another member; when it comes back
 * it must not be able to move the group's committed offsets backwards: the client refuses to commit without a
 * membership, and the coordinator refuses a commit from a member id it no longer knows (the zombie case the chaos
 * groups checker looks for).
 */
class ZombieCommitTest {
    private static final TopicPartition P0 = new TopicPartition("zombie", 0);

    @TempDir
    Path dataDir;

    @Test
    void aMemberThatLostItsPartitionsCannotCommitThem() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("zombie", 1, 1)));
            Map<String, Object> config = Map.of("bootstrap.servers", node.bootstrapServers(), "group.id", "g",
                    "enable.auto.commit", false, "auto.offset.reset", "earliest", "session.timeout.ms", 3000,
                    "heartbeat.interval.ms", 200, "max.poll.interval.ms", 1500);
            try (Consumer<String, String> zombie = new Consumer<>(config, new StringDeserializer(),
                    new StringDeserializer());
                 Consumer<String, String> survivor = new Consumer<>(config, new StringDeserializer(),
                         new StringDeserializer())) {
                zombie.subscribe(List.of("zombie"));
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    zombie.poll(Duration.ofMillis(100));
                    return zombie.assignment().contains(P0);
                });
                zombie.commitSync(Map.of(P0, new OffsetAndMetadata(5)));
                String zombieId = zombie.groupMetadata().memberId();
                int zombieEpoch = zombie.groupMetadata().generationId();

                // The zombie stops polling; max.poll.interval.ms makes it leave, and the survivor takes over.
                survivor.subscribe(List.of("zombie"));
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    survivor.poll(Duration.ofMillis(100));
                    return survivor.assignment().contains(P0);
                });
                survivor.commitSync(Map.of(P0, new OffsetAndMetadata(10)));

                assertThatThrownBy(() -> zombie.commitSync(Map.of(P0, new OffsetAndMetadata(3))))
                        .isInstanceOf(SluiceException.class).hasMessageContaining("not a member");
                assertThat(commitAsRawMember(node.bootstrapServers(), zombieId, zombieEpoch))
                        .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
                assertThat(admin.describeGroup("g")).isNotNull();
                try (Consumer<String, String> reader = new Consumer<>(Map.of("bootstrap.servers",
                        node.bootstrapServers(), "group.id", "g"), new StringDeserializer(),
                        new StringDeserializer())) {
                    assertThat(reader.committed(P0).offset()).isEqualTo(10);
                }
            }
        }
    }

    /** A commit sent straight to the coordinator as the old member, as a zombie whose client had not noticed. */
    private static ErrorCode commitAsRawMember(String address, String memberId, int memberEpoch) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        try {
            CommitOffsetsResponse response = GroupGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .commitOffsets(CommitOffsetsRequest.newBuilder().setGroupId("g").setMemberId(memberId)
                            .setMemberEpoch(memberEpoch).addOffsets(TopicPartitionOffset.newBuilder()
                                    .setTopic(P0.topic()).setPartition(0).setOffset(3).build()).build());
            return response.getError();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
