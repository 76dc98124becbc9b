package dev.sluice.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.kafka.ConsumerMemberFields.Fields;
import dev.sluice.kafka.ConsumerMemberFields.PartitionName;
import dev.sluice.testing.FakeClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.junit.jupiter.api.Test;

/** The pure parts of the Kafka edge: incremental config changes and the consumer-protocol member fields. */
class KafkaEdgeLogicTest {
    @Test
    void incrementalChangesBecomeSetsAndDeletesAgainstTheCurrentValue() {
        IncrementalConfigChange.Result result = IncrementalConfigChange.of("t", List.of(
                op("retention.ms", IncrementalConfigChange.DELETE, null),
                op("max.message.bytes", IncrementalConfigChange.SET, "2048"),
                op("cleanup.policy", IncrementalConfigChange.SUBTRACT, "delete")), Map.of("cleanup.policy",
                "delete,compact"));

        assertThat(result.invalidRequest()).isNull();
        assertThat(result.invalidConfig()).isNull();
        assertThat(result.alteration().getDeleteList()).containsExactly("retention.ms");
        assertThat(result.alteration().getSetMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "max.message.bytes", "2048", "cleanup.policy", "compact"));
        assertThat(IncrementalConfigChange.of("t", List.of(op("cleanup.policy", IncrementalConfigChange.APPEND,
                "compact")), Map.of()).alteration().getSetMap()).containsEntry("cleanup.policy", "delete,compact");
    }

    @Test
    void invalidIncrementalChangesAreRefusedWhole() {
        assertThat(IncrementalConfigChange.of("t", List.of(op("retention.ms", IncrementalConfigChange.SET, "1"),
                op("retention.ms", IncrementalConfigChange.DELETE, null)), Map.of()).invalidRequest())
                .contains("more than once");
        assertThat(IncrementalConfigChange.of("t", List.of(op("retention.ms", (byte) 9, "1")), Map.of())
                .invalidRequest()).contains("unknown config operation 9");
        assertThat(IncrementalConfigChange.of("t", List.of(op("retention.ms", IncrementalConfigChange.APPEND, "1")),
                Map.of()).invalidConfig()).contains("not one");
        assertThat(IncrementalConfigChange.of("t", List.of(op("retention.ms", IncrementalConfigChange.SET, null)),
                Map.of()).invalidConfig()).contains("needs a value");
    }

    @Test
    void memberFieldsAreKeptUntilForgottenOrIdleTooLong() {
        FakeClock clock = new FakeClock(1_000_000);
        ConsumerMemberFields members = new ConsumerMemberFields(clock);
        Fields fields = new Fields("", List.of("orders"), "", "range", 1000, Set.of(new PartitionName("orders", 0)));
        members.remember("g", "m1", fields);
        members.remember("g", "m2", fields);
        assertThat(members.last("g", "m1")).isEqualTo(fields);
        assertThat(members.last("other", "m1")).isNull();

        members.forget("g", "m2");
        assertThat(members.last("g", "m2")).isNull();

        clock.advanceMs(ConsumerMemberFields.IDLE_EXPIRY_MS + 60_001);
        members.remember("g", "m3", fields);
        assertThat(members.last("g", "m1")).as("idle past the expiry").isNull();
        assertThat(members.size()).isEqualTo(1);
    }

    private static AlterableConfig op(String name, byte operation, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(operation).setValue(value);
    }
}
