package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DurabilityPromiseTest {
    @Test
    void durableAcksOrFlushingEveryMessagePromisesDurability() {
        assertThat(DurabilityPromise.of(Map.of("durable.acks", "true")).promised()).isTrue();
        assertThat(DurabilityPromise.of(Map.of("durable.acks", " TRUE ")).promised()).isTrue();
        assertThat(DurabilityPromise.of(Map.of("flush.messages", "1", "min.insync.replicas", "2")).promised())
                .isTrue();
        assertThat(DurabilityPromise.of(Map.of("durable.acks", "true")).reason()).contains("durable.acks=true");
    }

    @Test
    void anythingElsePromisesNoDurabilityAndSaysWhy() {
        assertThat(DurabilityPromise.of(Map.of()).promised()).isFalse();
        assertThat(DurabilityPromise.of(Map.of("durable.acks", "false")).promised()).isFalse();
        assertThat(DurabilityPromise.of(Map.of("flush.messages", "10")).promised()).isFalse();
        assertThat(DurabilityPromise.of(Map.of("flush.ms", "1")).promised()).isFalse();
        assertThat(DurabilityPromise.of(Map.of("flush.messages", "10")).reason())
                .contains("durable.acks=unset").contains("flush.messages=10").contains("measured, not failed");
    }

    @Test
    void theCheckersDefaultIsStrict() {
        assertThat(DurabilityPromise.strict().promised()).isTrue();
    }
}
