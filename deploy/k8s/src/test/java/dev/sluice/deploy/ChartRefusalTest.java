package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.sluice.broker.server.KafkaListenerConfig;
import dev.sluice.broker.server.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the chart refuses, and that it refuses with a message that says what to change: every {@code bad-*.yaml} of
 * test/values/ must fail with the text of its {@code # expect:} line. Also strict lint, and that the node settings
 * the chart accepts in {@code config} are exactly the server's keys minus the ones it sets per pod.
 */
class ChartRefusalTest {
    /** The node settings start.sh or the ports set; NodeConfig.DEFAULTS minus these is what `config` may hold. */
    private static final Set<String> SET_BY_THE_CHART = Set.of(NodeConfig.NODE_ID, NodeConfig.ROLES,
            NodeConfig.DATA_DIR, NodeConfig.HOST, NodeConfig.BIND_HOST, NodeConfig.BROKER_PORT,
            NodeConfig.CONTROLLER_PORT, NodeConfig.HTTP_PORT, NodeConfig.RACK, NodeConfig.CONTROLLER_QUORUM,
            NodeConfig.CLUSTER_ID, KafkaListenerConfig.PORT);

    @TempDir
    Path temp;

    static Stream<String> badValuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(ChartRender.VALUES)) {
            List<String> names = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("bad-") && name.endsWith(".yaml")).sorted().toList();
            assertThat(names).as("bad values files").hasSizeGreaterThanOrEqualTo(5);
            return names.stream();
        }
    }

    private static String expectedError(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> line.startsWith("# expect: ")).findFirst()
                .map(line -> line.substring("# expect: ".length()).strip())
                .orElseThrow(() -> new AssertionError(file + " has no '# expect: <part of the error>' line"));
    }

    @ParameterizedTest
    @MethodSource("badValuesFiles")
    void aBadValuesFileIsRefusedWithItsMessage(String name) throws IOException {
        Path file = ChartRender.VALUES.resolve(name);
        String expected = expectedError(file);
        assertThatThrownBy(() -> ChartRender.values(name).renderText())
                .hasMessageContaining(expected);
    }

    @Test
    void theChartLintsCleanInStrictMode() {
        LintResult result = new Helm(ChartRender.CHART).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }

    @Test
    void configTakesEveryServerSettingTheChartDoesNotSetItself() throws IOException {
        Map<String, String> settable = new LinkedHashMap<>(NodeConfig.DEFAULTS);
        settable.keySet().removeAll(SET_BY_THE_CHART);
        StringBuilder values = new StringBuilder("config:\n");
        settable.forEach((key, value) -> values.append("  ").append(key).append(": \"").append(value).append("\"\n"));
        Path file = Files.writeString(temp.resolve("every-setting.yaml"), values);

        Rendered rendered = ChartRender.chart().valuesFile(file).render();
        for (String pool : List.of("controller", "broker")) {
            Properties properties = rendered.properties(pool);
            settable.forEach((key, value) -> assertThat(properties.getProperty(key)).as(key).isEqualTo(value));
        }
    }

    @Test
    void configRefusesEverySettingTheChartSetsItself() throws IOException {
        assertThat(NodeConfig.DEFAULTS.keySet()).containsAll(SET_BY_THE_CHART);
        for (String key : SET_BY_THE_CHART) {
            Path file = Files.writeString(temp.resolve("set-" + key + ".yaml"), "config:\n  " + key + ": \"1\"\n");
            assertThatThrownBy(() -> ChartRender.chart().valuesFile(file).renderText())
                    .hasMessageContaining("config: " + key + " is set by the chart for each pod");
        }
    }

    @Test
    void aPoolsOwnSettingsWinOverTheSharedOnesAndLargeNumbersStayWhole() {
        Rendered rendered = ChartRender.chart()
                .set("config.log\\.retention\\.check\\.interval\\.ms", "604800000")
                .set("config.num\\.partitions", "6")
                .set("brokers.config.num\\.partitions", "12")
                .render();
        assertThat(rendered.properties("controller").getProperty("num.partitions")).isEqualTo("6");
        assertThat(rendered.properties("broker").getProperty("num.partitions")).isEqualTo("12");
        assertThat(rendered.properties("broker").getProperty("log.retention.check.interval.ms"))
                .isEqualTo("604800000");
        // A YAML number arrives in the template as a float; written as one it would read 6.048e+08.
        assertThat(ChartRender.values("three-plus-three.yaml").render().properties("controller")
                .getProperty("log.retention.check.interval.ms")).isEqualTo("604800000");
    }
}
