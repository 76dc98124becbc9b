package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Admin;
import dev.sluice.client.ClusterDescription;
import dev.sluice.client.NewTopic;
import dev.sluice.client.TopicListing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separate roles as real processes: one controller-only node (the quorum) and two broker-only nodes (Raft
 * observers that reach the controller over gRPC). Both brokers register, a topic created through one broker is
 * committed by the controller and seen by the other, and the quorum lists the brokers as observers.
 */
class RolesIT {
    // Kept when the test fails: the node logs under it explain the failure.
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void brokerOnlyNodesWorkAgainstAControllerOnlyNode() throws Exception {
        List<DevCluster.NodeSpec> specs = List.of(
                new DevCluster.NodeSpec(1, "controller", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(2, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()),
                new DevCluster.NodeSpec(3, "broker", SluiceProcess.freePort(), SluiceProcess.freePort(),
                        SluiceProcess.freePort()));
        try (DevCluster cluster = new DevCluster(List.of(SluiceProcess.LAUNCHER.toString()), "127.0.0.1", dataDir,
                "roles-" + UUID.randomUUID(), specs)) {
            cluster.startAll();
            cluster.awaitReady(Duration.ofSeconds(90));
            try (Admin viaTwo = QuorumCluster.admin(cluster.broker(2));
                 Admin viaThree = QuorumCluster.admin(cluster.broker(3))) {
                viaTwo.createTopics(List.of(new NewTopic("orders", 3, 2)));
                await().atMost(Duration.ofSeconds(30)).until(() -> viaThree.listTopics().stream()
                        .map(TopicListing::name).anyMatch("orders"::equals));
                ClusterDescription description = viaThree.describeCluster();
                assertThat(description.controllerId()).isEqualTo(1);
                assertThat(description.brokers()).extracting(b -> b.id()).containsExactlyInAnyOrder(2, 3);
                assertThat(description.quorum().voters()).extracting(v -> v.nodeId()).containsExactly(1);
            }
        }
    }
}
