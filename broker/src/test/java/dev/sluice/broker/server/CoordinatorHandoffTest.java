package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.client.Admin;
import dev.sluice.client.TopicDescription;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.FetchOffsetsResponse;
import dev.sluice.proto.v1.FindCoordinatorRequest;
import dev.sluice.proto.v1.GroupGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes in this JVM: when the group coordinator's offsets partition is moved away from its live leader
 * (a reassignment that drops it), the new leader does not coordinate until the old leader's lease has surely ended
 * (the wiring of {@code CoordinatorHandoffs} into the node; its rules are unit-tested).
 */
@Tag("integration")
class CoordinatorHandoffTest {
    private static final String GROUP = "handoff";
    private static final String HANDOFF = "over from a broker that may still be coordinating it";

    @TempDir
    Path dataDir;

    @Test
    void theNewLeaderOfAnOffsetsPartitionTakenFromALiveBrokerWaitsOutItsLease() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(dataDir, "handoff-test",
                Map.of(NodeConfig.OFFSETS_TOPIC_PARTITIONS, "1"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + cluster.brokerPort(1),
                     "default.api.timeout.ms", 60_000))) {
            int oldLeader = Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(
                    () -> findCoordinator(cluster.brokerPort(1)), id -> id > 0);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> fetchOffsets(cluster.brokerPort(oldLeader)).getError() == ErrorCode.NONE);

            List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
            others.remove(Integer.valueOf(oldLeader));
            admin.reassignPartition(GroupCoordinator.OFFSETS_TOPIC, 0, others, false);
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.reassignPartition(GroupCoordinator.OFFSETS_TOPIC, 0, others, true);
                return true;
            });
            long movedNanos = System.nanoTime();
            int newLeader = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> offsetsLeader(admin),
                    others::contains);

            // The old leader was alive and unfenced: the new one answers "retry" for about ¾ of the 6 s session.
            FetchOffsetsResponse first = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(
                    Duration.ofMillis(20)).until(() -> fetchOffsets(cluster.brokerPort(newLeader)),
                    r -> r.getError() == ErrorCode.NONE || r.getErrorMessage().contains(HANDOFF));
            assertThat(first.getError()).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
            assertThat(first.getErrorMessage()).contains(HANDOFF);
            Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(
                    () -> fetchOffsets(cluster.brokerPort(newLeader)).getError() == ErrorCode.NONE);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - movedNanos))
                    .as("ready only after the lease period (4.5 s)").isGreaterThanOrEqualTo(4_000);
        }
    }

    private static int offsetsLeader(Admin admin) {
        TopicDescription offsets = admin.describeTopics(List.of(GroupCoordinator.OFFSETS_TOPIC))
                .get(GroupCoordinator.OFFSETS_TOPIC);
        return offsets.partitions().get(0).leader();
    }

    private static int findCoordinator(int port) {
        return call(port, stub -> {
            var answer = stub.findCoordinator(FindCoordinatorRequest.newBuilder().setGroupId(GROUP).build());
            return answer.getError() == ErrorCode.NONE ? answer.getNodeId() : -1;
        });
    }

    private static FetchOffsetsResponse fetchOffsets(int port) {
        return call(port, stub -> stub.fetchOffsets(FetchOffsetsRequest.newBuilder().setGroupId(GROUP).build()));
    }

    private static <T> T call(int port, java.util.function.Function<GroupGrpc.GroupBlockingStub, T> request) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            return request.apply(GroupGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }
}
