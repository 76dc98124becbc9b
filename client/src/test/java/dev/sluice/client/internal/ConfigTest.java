package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
    private static Map<String, Object> base() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", "a:1, b ,c:3");
        return config;
    }

    @Test
    void producerDefaultsAreKafkas() {
        ProducerSettings settings = ProducerSettings.from(base());
        assertThat(settings.bootstrapServers()).containsExactly("a:1", "b:7092", "c:3");
        assertThat(settings.acks()).isEqualTo(-1);
        assertThat(settings.batchSizeBytes()).isEqualTo(16384);
        assertThat(settings.lingerMs()).isEqualTo(5);
        assertThat(settings.deliveryTimeoutMs()).isEqualTo(120000);
        assertThat(settings.maxRequestSizeBytes()).isEqualTo(1048576);
        assertThat(settings.idempotent()).isTrue();
        assertThat(settings.codec()).isEqualTo(dev.sluice.proto.v1.Codec.CODEC_NONE);
    }

    @Test
    void idempotenceNeedsAcksAllAndAtMostFiveInFlight() {
        Map<String, Object> config = base();
        config.put("acks", "1");
        assertThat(ProducerSettings.from(config).idempotent()).as("default quietly off").isFalse();
        config.put("enable.idempotence", "true");
        assertThatThrownBy(() -> ProducerSettings.from(config)).hasMessageContaining("acks must be all");
        config.put("acks", "all");
        config.put("max.in.flight.requests.per.connection", 6);
        assertThatThrownBy(() -> ProducerSettings.from(config)).hasMessageContaining("at most 5");
        config.put("enable.idempotence", "false");
        assertThat(ProducerSettings.from(config).idempotent()).isFalse();
        config.put("compression.type", "zstd");
        assertThat(ProducerSettings.from(config).codec()).isEqualTo(dev.sluice.proto.v1.Codec.CODEC_ZSTD);
        config.put("compression.type", "brotli");
        assertThatThrownBy(() -> ProducerSettings.from(config)).hasMessageContaining("compression.type");
    }

    @Test
    void producerAcceptsStringsAndNumbers() {
        Map<String, Object> config = base();
        config.put("acks", 1);
        config.put("linger.ms", "20");
        config.put("batch.size", 65536L);
        ProducerSettings settings = ProducerSettings.from(config);
        assertThat(settings.acks()).isEqualTo(1);
        assertThat(settings.lingerMs()).isEqualTo(20);
        assertThat(settings.batchSizeBytes()).isEqualTo(65536);
        config.put("acks", "ALL");
        assertThat(ProducerSettings.from(config).acks()).isEqualTo(-1);
    }

    @Test
    void badValuesFailWithClearMessages() {
        Map<String, Object> config = base();
        config.put("acks", "2");
        assertThatThrownBy(() -> ProducerSettings.from(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks").hasMessageContaining("'2'");
        config.put("acks", "1");
        config.put("linger.ms", "soon");
        assertThatThrownBy(() -> ProducerSettings.from(config)).hasMessage("linger.ms must be an integer, got 'soon'");
        config.remove("linger.ms");
        config.put("delivery.timeout.ms", 10);
        assertThatThrownBy(() -> ProducerSettings.from(config)).hasMessageContaining("delivery.timeout.ms");
        assertThatThrownBy(() -> ProducerSettings.from(Map.of())).hasMessageContaining("bootstrap.servers is required");
        assertThatThrownBy(() -> ProducerSettings.from(Map.of("bootstrap.servers", "host:notaport")))
                .hasMessageContaining("not a valid host:port");
    }

    @Test
    void consumerDefaultsAndValidation() {
        ConsumerSettings plain = ConsumerSettings.from(base());
        assertThat(plain.autoOffsetReset()).isEqualTo("latest");
        assertThat(plain.enableAutoCommit()).isFalse();
        assertThat(plain.maxPollRecords()).isEqualTo(500);
        Map<String, Object> config = base();
        config.put("group.id", "g");
        assertThat(ConsumerSettings.from(config).enableAutoCommit()).isTrue();
        config.put("auto.offset.reset", "smallest");
        assertThatThrownBy(() -> ConsumerSettings.from(config))
                .hasMessage("auto.offset.reset must be one of [earliest, latest, none], got 'smallest'");
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", "maybe");
        assertThatThrownBy(() -> ConsumerSettings.from(config)).hasMessageContaining("true or false");
        Map<String, Object> noGroup = base();
        noGroup.put("enable.auto.commit", true);
        assertThatThrownBy(() -> ConsumerSettings.from(noGroup)).hasMessageContaining("group.id");
    }
}
