package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.examples.kafkajs.KafkajsExample;
import dev.sluice.examples.kafkajs.KafkajsResult;
import dev.sluice.examples.kafkajs.KafkajsSetupException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's check: the seed guide's kafkajs example ({@code examples/kafkajs}), unchanged, against a real Sluice node
 * on free ports. The producer's and both consumer services' own output is compared: every event id the producer
 * printed as sent must be printed by {@code email-service} and by {@code db-service}, and nothing else.
 *
 * <p>Node.js and kafkajs come from the example's own {@code install-node.sh} (a fresh clone has no node_modules).
 * The test is skipped, with the script's reason, only when this machine has no Node and the script cannot install
 * it; a failed {@code npm ci} or any other setup error fails it.
 */
class KafkajsExampleTest {
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void theGuidesProducerAndBothConsumerServicesSeeEveryEvent(@TempDir Path dataDir) throws Exception {
        Path exampleDir = exampleDir();
        KafkajsExample example = new KafkajsExample(exampleDir, System.out);
        try {
            example.prepare();
        } catch (KafkajsSetupException e) {
            Assumptions.assumeTrue(e.reason() != KafkajsSetupException.Reason.NODE_UNAVAILABLE,
                    "skipped: no Node.js 18+ on this machine and install-node.sh could not install it: "
                            + e.getMessage());
            throw e;
        }
        try (KafkaTestNode node = KafkaTestNode.start(dataDir, Map.of())) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    node.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(KafkajsExample.TOPIC, 3, (short) 1))).all().get();
            }
            KafkajsResult result = example.run(node.kafkaBootstrap(), RUN_TIMEOUT);

            assertThat(result.problems()).as(result.summaryLine()).isEmpty();
            assertThat(result.outcome().producerExitCode()).hasValue(0);
            assertThat(result.sentIds()).isNotEmpty();
            assertThat(result.email().eventIds()).as("email-service").isEqualTo(result.sentIds());
            assertThat(result.db().eventIds()).as("db-service").isEqualTo(result.sentIds());
            assertThat(result.succeeded()).isTrue();
        }
    }

    /** examples/kafkajs of this checkout: surefire runs in the module directory, one level below the root. */
    private static Path exampleDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples").resolve("kafkajs");
            if (Files.isRegularFile(candidate.resolve("producer.js"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no examples/kafkajs above " + Path.of("").toAbsolutePath());
    }
}
