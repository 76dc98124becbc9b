package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.broker.partition.BatchValidator;
import dev.sluice.broker.partition.ValidationResult;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.v1.ErrorCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Topic configs the controller accepts are ones a broker can apply (found by {@code TopicConfigsFuzzTest}). */
class TopicConfigsOnBrokerTest {

    @Test
    void maxMessageBytesZeroIsAcceptedAppliedAndRefusesEveryBatch() {
        Map<String, String> configs = Map.of(TopicConfigs.MAX_MESSAGE_BYTES, "0");
        assertThat(TopicConfigs.validate(configs)).isEmpty();

        LogConfig log = MetadataPartitionResolver.logConfig(TopicConfigs.of(configs));

        assertThat(log.maxMessageBytes()).isZero();
        ValidationResult verdict = BatchValidator.validate(TestBatches.batch(1), log.maxMessageBytes());
        assertThat(verdict).isInstanceOf(ValidationResult.Invalid.class);
        assertThat(((ValidationResult.Invalid) verdict).error()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
    }
}
