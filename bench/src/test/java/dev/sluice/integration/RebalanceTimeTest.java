package dev.sluice.integration;

import dev.sluice.broker.server.Node;
import dev.sluice.client.Admin;
import dev.sluice.client.Consumer;
import dev.sluice.client.NewTopic;
import dev.sluice.client.StringDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (prints, never asserts) how long a rebalance takes when a 4th member joins a group of 3 on a
 * 6-partition topic: from the new member's subscribe until every member owns its balanced share, per the members'
 * own assignments. Run: {@code ./mvnw -o -q -pl bench -am test -Dtest=RebalanceTimeTest -Pslow
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class RebalanceTimeTest {
    @TempDir
    static Path dataDir;

    @Test
    void fourthMemberJoiningAGroupOfThree() throws Exception {
        try (Node node = TestNode.start(dataDir);
             Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            for (String assignor : List.of("range", "cooperative-sticky")) {
                String topic = "rebalance-" + assignor;
                admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1, Map.of())));
                List<Long> samples = new ArrayList<>();
                for (int run = 0; run < 7; run++) {
                    samples.add(measure(node.bootstrapServers(), topic, "rt-" + assignor + "-" + run, assignor));
                }
                List<Long> sorted = samples.stream().sorted().toList();
                System.out.printf("rebalance join 3->4 assignor=%s heartbeat.interval.ms=3000 samples_ms=%s "
                        + "median_ms=%d%n", assignor, samples, sorted.get(sorted.size() / 2));
            }
        }
    }

    private static long measure(String servers, String topic, String group, String assignor) throws Exception {
        Map<Integer, Integer> owned = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        long[] joinedAtNanos = {0};
        for (int i = 0; i < 4; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", servers, "group.id", group,
                        "partition.assignment.strategy", assignor, "enable.auto.commit", false));
                try (Consumer<String, String> consumer = new Consumer<>(config, new StringDeserializer(),
                        new StringDeserializer())) {
                    consumer.subscribe(List.of(topic));
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(20));
                        owned.put(index, consumer.assignment().size());
                    }
                }
            });
            threads.add(thread);
        }
        for (int i = 0; i < 3; i++) {
            threads.get(i).start();
        }
        awaitShares(owned, 3, 2, 2);
        joinedAtNanos[0] = System.nanoTime();
        threads.get(3).start();
        awaitShares(owned, 4, 1, 2);
        long elapsedMs = (System.nanoTime() - joinedAtNanos[0]) / 1_000_000;
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        return elapsedMs;
    }

    private static void awaitShares(Map<Integer, Integer> owned, int members, int min, int max) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    int total = 0;
                    for (int i = 0; i < members; i++) {
                        int size = owned.getOrDefault(i, -1);
                        if (size < min || size > max) {
                            return false;
                        }
                        total += size;
                    }
                    return total == 6;
                });
    }
}
