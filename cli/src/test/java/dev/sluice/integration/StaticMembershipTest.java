package dev.sluice.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.ConsumerRebalanceListener;
import dev.sluice.client.NewTopic;
import dev.sluice.client.StringDeserializer;
import dev.sluice.client.TopicPartition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static membership ({@code group.instance.id}): a member that restarts within the session timeout takes its old
 * slot back with the same partitions; the group epoch does not move and the other member sees no rebalance.
 */
class StaticMembershipTest {
    private static final String GROUP = "static-group";
    private static final String TOPIC = "static-topic";

    @TempDir
    Path dataDir;

    private static Consumer<String, String> member(Node node, String instanceId) {
        return new Consumer<>(Map.of("bootstrap.servers", node.bootstrapServers(), "group.id", GROUP,
                "group.instance.id", instanceId, "client.id", instanceId, "enable.auto.commit", false,
                "session.timeout.ms", 15_000, "heartbeat.interval.ms", 200), new StringDeserializer(),
                new StringDeserializer());
    }

    /** Polls every consumer in turn until {@code done} holds; bounded. */
    private static void pollUntil(BooleanSupplier done, List<Consumer<String, String>> consumers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            consumers.forEach(consumer -> consumer.poll(Duration.ofMillis(50)));
        }
    }

    @Test
    void aStaticMemberRestartingWithinTheSessionTimeoutKeepsItsPartitions() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1, Map.of())));
            AtomicInteger otherRebalances = new AtomicInteger();
            Consumer<String, String> first = member(node, "a");
            try (Consumer<String, String> other = member(node, "b")) {
                first.subscribe(List.of(TOPIC));
                other.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        otherRebalances.incrementAndGet();
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        otherRebalances.incrementAndGet();
                    }
                });
                pollUntil(() -> first.assignment().size() == 2 && other.assignment().size() == 2
                        && stable(admin), List.of(first, other));
                Set<TopicPartition> before = new HashSet<>(first.assignment());
                int epoch = admin.describeGroup(GROUP).groupEpoch();
                otherRebalances.set(0);

                first.close(); // a static member's leave is temporary: its slot waits for the session timeout
                try (Consumer<String, String> restarted = member(node, "a")) {
                    restarted.subscribe(List.of(TOPIC));
                    pollUntil(() -> restarted.assignment().size() == 2 && stable(admin),
                            List.of(restarted, other));
                    assertThat(restarted.assignment()).as("same partitions after the restart").isEqualTo(before);
                    assertThat(admin.describeGroup(GROUP).groupEpoch()).as("no new group epoch").isEqualTo(epoch);
                    assertThat(other.assignment()).hasSize(2);
                    assertThat(otherRebalances.get()).as("the other member saw no rebalance").isZero();
                    assertThat(admin.describeGroup(GROUP).members()).extracting(m -> m.instanceId())
                            .containsExactlyInAnyOrder("a", "b");
                }
            }
        }
    }

    /** Every member has its target: nothing pending revocation and all 4 partitions owned. */
    private static boolean stable(Admin admin) {
        var group = admin.describeGroup(GROUP);
        return group.members().size() == 2 && group.members().stream().allMatch(m -> m.pendingRevocation().isEmpty())
                && group.members().stream().mapToInt(m -> m.assignment().size()).sum() == 4;
    }
}
