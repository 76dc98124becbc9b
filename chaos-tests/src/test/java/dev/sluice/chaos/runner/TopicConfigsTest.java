package dev.sluice.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.chaos.cluster.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {
    @Test
    void parsesKeyValuePairsInOrder() {
        assertThat(TopicConfigs.parse("durable.acks=true, min.insync.replicas = 2,flush.ms=1000"))
                .containsExactly(Map.entry("durable.acks", "true"), Map.entry("min.insync.replicas", "2"),
                        Map.entry("flush.ms", "1000"));
        assertThat(TopicConfigs.parse("")).isEmpty();
        assertThat(TopicConfigs.parse("cleanup.policy=compact")).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void refusesMalformedEntriesNamingThem() {
        assertThatThrownBy(() -> TopicConfigs.parse("durable.acks")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'durable.acks' is not key=value");
        assertThatThrownBy(() -> TopicConfigs.parse("=true")).hasMessageContaining("non-empty key and value");
        assertThatThrownBy(() -> TopicConfigs.parse("a=1,b=")).hasMessageContaining("'b='");
        assertThatThrownBy(() -> TopicConfigs.parse("a=1,a=2")).hasMessageContaining("'a' is given twice");
    }

    @Test
    void theAppendTopicGetsTheDefaultsThenTheOverrides() {
        RunConfig plain = new RunConfig(1, Topology.COMBINED, "kill", List.of("append"), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Path.of("."), Path.of("."));
        RunConfig durable = RunConfig.of(1, Topology.COMBINED, "kill", List.of("append"), Duration.ofSeconds(1),
                Path.of("."), Path.of("."), TopicConfigs.parse("durable.acks=true,min.insync.replicas=3"));

        assertThat(plain.appendTopicConfig()).containsExactly(Map.entry("min.insync.replicas", "2"));
        assertThat(durable.appendTopicConfig()).containsEntry("min.insync.replicas", "3")
                .containsEntry("durable.acks", "true").hasSize(2);
    }
}
