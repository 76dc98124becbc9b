package dev.sluice.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Rows of meters that follow a changing set of keys, against a real (simple) registry. */
class KeyedMetersTest {
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> registered = new ArrayList<>();
    private final KeyedMeters<String> rows = new KeyedMeters<>(registry, 2, (key, row) -> {
        registered.add(key);
        return List.<Meter>of(
                Gauge.builder("test.committed", row, r -> r[0]).tag("group", key).register(registry),
                Gauge.builder("test.lag", row, r -> r[1]).tag("group", key).register(registry));
    });

    private static Map<String, double[]> rowsOf(Object... keysAndValues) {
        Map<String, double[]> current = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 3) {
            current.put((String) keysAndValues[i],
                    new double[] {(Integer) keysAndValues[i + 1], (Integer) keysAndValues[i + 2]});
        }
        return current;
    }

    private double value(String name, String group) {
        return registry.get(name).tag("group", group).gauge().value();
    }

    private List<String> groupsWithMeters() {
        return registry.getMeters().stream().map(meter -> meter.getId().getTag("group")).distinct().sorted().toList();
    }

    @Test
    void rowsAppearWithTheirKeysAndTakeNewValuesInPlace() {
        rows.update(rowsOf("a", 10, 1, "b", 20, 2));
        assertThat(value("test.committed", "a")).isEqualTo(10);
        assertThat(value("test.lag", "b")).isEqualTo(2);

        rows.update(rowsOf("a", 11, 0, "b", 25, 7));
        assertThat(value("test.committed", "a")).isEqualTo(11);
        assertThat(value("test.lag", "b")).isEqualTo(7);
        assertThat(registered).as("meters are registered once per key, not per update").containsExactly("a", "b");
        assertThat(registry.getMeters()).hasSize(4);
    }

    @Test
    void aKeyThatDisappearsTakesItsMetersOutOfTheRegistry() {
        rows.update(rowsOf("a", 1, 1, "b", 2, 2));
        rows.update(rowsOf("b", 3, 3, "c", 4, 4));

        assertThat(groupsWithMeters()).containsExactly("b", "c");
        assertThat(registry.find("test.lag").tag("group", "a").gauge()).isNull();
        assertThat(rows.size()).isEqualTo(2);

        rows.update(rowsOf("a", 5, 5));
        assertThat(value("test.committed", "a")).as("a key that comes back gets a fresh row").isEqualTo(5);
        assertThat(registered).containsExactly("a", "b", "c", "a");
        assertThat(groupsWithMeters()).containsExactly("a");
    }

    @Test
    void clearingLeavesNoMetersBehind() {
        for (int round = 0; round < 50; round++) {
            rows.update(rowsOf("k" + round, round, round, "k" + (round + 1), round, round));
        }
        assertThat(registry.getMeters()).as("churning keys leak nothing").hasSize(4);

        rows.clear();
        assertThat(registry.getMeters()).isEmpty();
        assertThat(rows.size()).isZero();
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThatThrownBy(() -> rows.update(Map.of("a", new double[] {1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2 values for a");
    }
}
