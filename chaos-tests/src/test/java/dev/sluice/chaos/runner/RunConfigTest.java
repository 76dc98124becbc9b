package dev.sluice.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.chaos.cluster.Topology;
import dev.sluice.chaos.security.SecurityMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    @Test
    void aDurableAppendTopicMakesTheNodesDefaultToDurableAcksSoTheOffsetsTopicKeepsTheSamePromise() {
        assertThat(config(Map.of("durable.acks", "true")).nodeSettings()).containsEntry("log.durable.acks", "true");
        assertThat(config(Map.of("flush.messages", "1")).nodeSettings()).containsEntry("log.durable.acks", "true");
    }

    @Test
    void withoutADurabilityPromiseTheNodesKeepTheirDefaults() {
        assertThat(config(Map.of()).nodeSettings()).isEmpty();
        assertThat(config(Map.of("durable.acks", "false")).nodeSettings()).isEmpty();
    }

    @Test
    void theAppendTopicIsWrittenThroughOneClientPerRunAndUnknownWorkloadsAreNamed() {
        assertThat(withWorkloads("kafka-append", "groups", "metadata").workloads()).contains("kafka-append");
        assertThatThrownBy(() -> withWorkloads("append", "kafka-append"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run one of them");
        assertThatThrownBy(() -> withWorkloads("apend")).hasMessageContaining("unknown workload 'apend'")
                .hasMessageContaining("kafka-append");
    }

    @Test
    void aRunIsPlaintextUnlessSecuredAndTheModesParseFromTheirLabels() {
        assertThat(config(Map.of()).security()).isEqualTo(SecurityMode.PLAINTEXT);
        assertThat(config(Map.of()).withSecurity(SecurityMode.TLS_SCRAM).security()).isEqualTo(SecurityMode.TLS_SCRAM);
        assertThat(SecurityMode.parse("tls-scram")).isEqualTo(SecurityMode.TLS_SCRAM);
        assertThat(SecurityMode.TLS_SCRAM.label()).isEqualTo("tls-scram");
        assertThatThrownBy(() -> SecurityMode.parse("tls")).hasMessageContaining("plaintext, tls-scram");
    }

    private static RunConfig withWorkloads(String... workloads) {
        return RunConfig.of(1, Topology.COMBINED, "kill", List.of(workloads), Duration.ofMinutes(1), Path.of("."),
                Path.of("target"), Map.of());
    }

    private static RunConfig config(Map<String, String> overrides) {
        return RunConfig.of(1, Topology.COMBINED, "kill", List.of("append"), Duration.ofMinutes(1), Path.of("."),
                Path.of("target"), overrides);
    }
}
