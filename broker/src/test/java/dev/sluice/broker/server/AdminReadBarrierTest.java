package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.client.Admin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes in this JVM on loopback: a broker whose metadata image is held behind the quorum must not
 * answer a describe with the config as it was before an acknowledged change; the read barrier makes it wait.
 */
@Tag("integration")
class AdminReadBarrierTest {
    @TempDir
    Path dataDir;

    private InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void describeThroughALaggingBrokerSeesAnAcknowledgedAlter() throws Exception {
        cluster = InProcessCluster.start(dataDir, "read-barrier-test", Map.of());
        // The held node must not lead: a leader's appends complete only after its own image applied them.
        int writer = Awaitility.await().atMost(Duration.ofSeconds(30)).until(cluster::raftLeaderId, id -> id > 0);
        int lagging = writer % 3 + 1;
        try (Admin viaWriter = admin(cluster.brokerPort(writer));
             Admin viaLagging = admin(cluster.brokerPort(lagging))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                viaWriter.createTopics(List.of(new dev.sluice.client.NewTopic("t", 1, (short) 3)));
                return true;
            });
            viaWriter.alterConfigs("t", Map.of("retention.ms", "6360000"), List.of());
            assertThat(viaLagging.describeTopics(List.of("t")).get("t").configs())
                    .containsEntry("retention.ms", "6360000");

            AutoCloseable hold = cluster.node(lagging).holdMetadataForTest();
            viaWriter.alterConfigs("t", Map.of("retention.ms", "36660000"), List.of());
            CompletableFuture<Map<String, String>> described = CompletableFuture.supplyAsync(
                    () -> viaLagging.describeTopics(List.of("t")).get("t").configs());
            // Without the barrier the lagging broker would answer at once with 6360000.
            Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                    .until(() -> !described.isDone());
            hold.close();
            assertThat(described.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .containsEntry("retention.ms", "36660000");
        }
    }

    private static Admin admin(int port) {
        return Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port, "request.timeout.ms", 30_000,
                "default.api.timeout.ms", 60_000));
    }
}
