package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.client.Consumer;
import dev.sluice.client.StringDeserializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice group list|describe|reset-offsets|delete} through the real {@code bin/sluice} and server. */
class GroupCliIT {
    @TempDir
    static Path dataDir;
    static ServerProcess server;
    static String brokers;

    @BeforeAll
    static void startServer() throws Exception {
        server = ServerProcess.start(dataDir);
        brokers = server.brokers();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static SluiceProcess.Result sluice(String stdin, String... args) throws Exception {
        return SluiceProcess.runAgainst(brokers, stdin, args);
    }


    @Test
    void groupsAreListedDescribedResetAndDeleted() throws Exception {
        assertThat(sluice(null, "topic", "create", "gt", "--partitions", "2").exitCode()).isZero();
        String input = IntStream.range(0, 20).mapToObj(i -> "line-" + i).collect(Collectors.joining("\n")) + "\n";
        assertThat(sluice(input, "produce", "gt").exitCode()).isZero();
        SluiceProcess.Result consumed = sluice(null, "consume", "gt", "--group", "billing", "--from-beginning",
                "--max-messages", "20");
        assertThat(consumed.stdoutLines()).hasSize(20);

        assertThat(sluice(null, "group", "list").stdout()).contains("billing").contains("Empty");
        SluiceProcess.Result described = sluice(null, "group", "describe", "billing");
        assertThat(described.exitCode()).as(described.stderr()).isZero();
        assertThat(described.stdout()).contains("COMMITTED").contains("LAG");
        int committedTotal = described.stdoutLines().stream().filter(l -> l.startsWith("gt "))
                .mapToInt(l -> Integer.parseInt(l.trim().split("\\s+")[3])).sum();
        assertThat(committedTotal).isEqualTo(20);

        SluiceProcess.Result reset = sluice(null, "group", "reset-offsets", "billing", "--topic", "gt",
                "--to-earliest");
        assertThat(reset.exitCode()).as(reset.stderr()).isZero();
        assertThat(sluice(null, "consume", "gt", "--group", "billing", "--max-messages", "20").stdoutLines())
                .hasSize(20);
        assertThat(sluice(null, "group", "reset-offsets", "billing", "--topic", "gt", "--shift-by", "-3")
                .exitCode()).isZero();
        assertThat(sluice(null, "group", "describe", "billing").stdout()).contains("gt").contains(" 3");

        try (Consumer<String, String> member = new Consumer<>(Map.of("bootstrap.servers", brokers,
                "group.id", "billing", "session.timeout.ms", 5000), new StringDeserializer(),
                new StringDeserializer())) {
            member.subscribe(List.of("gt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                member.poll(Duration.ofMillis(100));
                return member.assignment().size() == 2;
            });
            SluiceProcess.Result active = sluice(null, "group", "describe", "billing");
            assertThat(active.stdout()).contains("Stable").contains("MEMBER");
            assertUserError(sluice(null, "group", "reset-offsets", "billing", "--topic", "gt", "--to-latest"),
                    "active members");
            assertUserError(sluice(null, "group", "delete", "billing"), "active members");
        }
        assertThat(sluice(null, "group", "delete", "billing").exitCode()).isZero();
        assertThat(sluice(null, "group", "list").stdout()).doesNotContain("billing");
        assertUserError(sluice(null, "group", "describe", "billing"), "does not exist");
    }

    private static void assertUserError(SluiceProcess.Result result, String expectedFragment) {
        assertThat(result.exitCode()).as("exit code; stderr: %s", result.stderr()).isNotZero();
        assertThat(result.stderr().strip().lines().count()).as("one line on stderr: %s", result.stderr()).isEqualTo(1);
        assertThat(result.stderr()).startsWith("error: ").contains(expectedFragment)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}
