package dev.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicConfigsAndNamesTest {

    @Test
    void defaultsAreKafkas() {
        TopicConfigs defaults = TopicConfigs.DEFAULTS;
        assertThat(defaults.retentionMs()).isEqualTo(604_800_000L);
        assertThat(defaults.retentionBytes()).isEqualTo(-1);
        assertThat(defaults.maxMessageBytes()).isEqualTo(1_048_588);
        assertThat(defaults.cleanupPolicy()).containsExactly("delete");
        assertThat(defaults.minInsyncReplicas()).isEqualTo(1);
        assertThat(defaults.uncleanLeaderElectionEnable()).isFalse();
        assertThat(defaults.compressionType()).isEqualTo("producer");
    }

    @Test
    void explicitValuesOverrideDefaults() {
        TopicConfigs configs = TopicConfigs.of(Map.of(TopicConfigs.CLEANUP_POLICY, "compact, delete",
                TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE, "TRUE", TopicConfigs.SEGMENT_BYTES, "1024"));
        assertThat(configs.compactEnabled()).isTrue();
        assertThat(configs.deleteEnabled()).isTrue();
        assertThat(configs.uncleanLeaderElectionEnable()).isTrue();
        assertThat(configs.segmentBytes()).isEqualTo(1024);
        assertThat(configs.retentionMs()).isEqualTo(604_800_000L);
    }

    @Test
    void badKeysAndValuesGetClearMessages() {
        assertThat(TopicConfigs.validate("retention.ms", "-2")).hasValueSatisfying(
                message -> assertThat(message).contains("retention.ms").contains("at least -1"));
        assertThat(TopicConfigs.validate("retention.ms", "soon")).isPresent();
        assertThat(TopicConfigs.validate("max.message.bytes", "99999999999")).isPresent();
        assertThat(TopicConfigs.validate("cleanup.policy", "delete,delete")).isPresent();
        assertThat(TopicConfigs.validate("cleanup.policy", "forever")).isPresent();
        assertThat(TopicConfigs.validate("min.insync.replicas", "0")).isPresent();
        assertThat(TopicConfigs.validate("unclean.leader.election.enable", "yes")).isPresent();
        assertThat(TopicConfigs.validate("compression.type", "brotli")).isPresent();
        assertThat(TopicConfigs.validate("retention.hours", "1")).hasValueSatisfying(
                message -> assertThat(message).contains("unknown topic config 'retention.hours'"));
        assertThat(TopicConfigs.validate(Map.of("retention.ms", "1", "segment.bytes", "1024"))).isEmpty();
        assertThatThrownBy(() -> TopicConfigs.of(Map.of("segment.bytes", "1")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void topicNamesFollowKafkasRules() {
        assertThat(TopicNames.validate("orders.v1_EU-2")).isEmpty();
        assertThat(TopicNames.validate("a".repeat(249))).isEmpty();
        assertThat(TopicNames.validate("a".repeat(250))).isPresent();
        assertThat(TopicNames.validate("")).isPresent();
        assertThat(TopicNames.validate(".")).isPresent();
        assertThat(TopicNames.validate("..")).isPresent();
        assertThat(TopicNames.validate("has space")).isPresent();
        assertThat(TopicNames.validate("ünïcode")).isPresent();
        assertThat(TopicNames.validate("__consumer_offsets")).isEmpty();
        assertThat(TopicNames.validateUserTopic("__consumer_offsets")).isPresent();
        assertThat(TopicNames.isInternal("__consumer_offsets")).isTrue();
        assertThat(TopicNames.isInternal("_single")).isFalse();
    }
}
