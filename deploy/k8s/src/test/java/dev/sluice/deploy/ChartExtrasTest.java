package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.cli.NodeLabelCommandLine;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional parts: rack awareness (init container, RBAC, rack file) and monitoring (ServiceMonitor, PodMonitor,
 * PrometheusRule from alerts/*.yml, dashboard ConfigMaps from dashboards/*.json), all off by default.
 */
class ChartExtrasTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path temp;

    @Test
    void monitoringAndRacksAreOffByDefault() {
        Rendered rendered = ChartRender.chart().render();
        assertThat(rendered.all(ServiceMonitor.class)).isEmpty();
        assertThat(rendered.all(PodMonitor.class)).isEmpty();
        assertThat(rendered.all(PrometheusRule.class)).isEmpty();
        assertThat(rendered.all(ClusterRole.class)).isEmpty();
        assertThat(rendered.all(ConfigMap.class)).extracting(map -> map.getMetadata().getName())
                .containsExactlyInAnyOrder("sluice-config", "sluice-cluster-id");
        for (StatefulSet set : rendered.statefulSets()) {
            assertThat(set.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
            assertThat(set.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
            assertThat(Rendered.env(set, "RACK_FILE")).isNull();
        }
    }

    @Test
    void withRacksEachBrokerReadsItsNodesZoneThroughTheApi() {
        Rendered rendered = ChartRender.values("racks.yaml").render();
        StatefulSet broker = rendered.pool("broker");
        PodSpec pod = broker.getSpec().getTemplate().getSpec();
        Container rack = pod.getInitContainers().stream().filter(c -> c.getName().equals("rack")).findFirst()
                .orElseThrow();
        assertThat(rack.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("NODE_NAME");
            assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
        });
        // Sluice's own image and launcher; the command line is read by the real CLI parser.
        assertThat(rack.getImage()).isEqualTo(Rendered.node(broker).getImage());
        List<String> command = rack.getCommand();
        assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "/opt/sluice/sluice");
        NodeLabelCommandLine.Parsed parsed = NodeLabelCommandLine.parse(command.subList(2, command.size()));
        assertThat(parsed.label()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(parsed.out()).isEqualTo(Path.of("/etc/sluice-rack/rack"));
        assertThat(parsed.node()).as("the node comes from NODE_NAME").isNull();
        assertThat(rack.getVolumeMounts()).anyMatch(mount -> mount.getName().equals("scripts")
                && mount.getMountPath().equals("/opt/sluice"));
        assertThat(rack.getVolumeMounts()).anyMatch(mount -> mount.getName().equals("rack")
                && mount.getMountPath().equals("/etc/sluice-rack"));
        assertThat(Rendered.env(broker, "RACK_FILE")).isEqualTo("/etc/sluice-rack/rack");
        assertThat(Rendered.node(broker).getVolumeMounts()).anyMatch(mount -> mount.getName().equals("rack")
                && mount.getMountPath().equals("/etc/sluice-rack"));
        assertThat(pod.getVolumes())
                .anyMatch(volume -> volume.getName().equals("rack") && volume.getEmptyDir() != null);
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();

        StatefulSet controller = rendered.pool("controller");
        assertThat(controller.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
        assertThat(controller.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();

        ClusterRole role = rendered.all(ClusterRole.class).get(0);
        assertThat(role.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("nodes");
            assertThat(rule.getVerbs()).containsExactly("get");
        });
        ClusterRoleBinding binding = rendered.all(ClusterRoleBinding.class).get(0);
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        String serviceAccount = pod.getServiceAccountName();
        assertThat(rendered.named(ServiceAccount.class, serviceAccount)).isNotNull();
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo(serviceAccount);
            assertThat(subject.getNamespace()).isEqualTo(ChartRender.NAMESPACE);
        });
    }

    @Test
    void monitorsScrapeEveryNodesHttpPort() {
        Rendered rendered = ChartRender.values("monitoring.yaml").render();
        ServiceMonitor serviceMonitor = rendered.all(ServiceMonitor.class).get(0);
        assertThat(serviceMonitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        Service metrics = rendered.all(Service.class).stream().filter(service -> serviceMonitor.getSpec()
                .getSelector().getMatchLabels().entrySet().stream()
                .allMatch(label -> label.getValue().equals(service.getMetadata().getLabels().get(label.getKey()))))
                .reduce((a, b) -> {
                    throw new AssertionError("the ServiceMonitor selects more than one Service");
                }).orElseThrow();
        assertThat(serviceMonitor.getSpec().getEndpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.getPort()).isEqualTo("http");
            assertThat(endpoint.getPath()).isEqualTo("/metrics");
        });
        assertThat(metrics.getSpec().getPorts()).anyMatch(port -> port.getName().equals("http"));
        PodMonitor podMonitor = rendered.all(PodMonitor.class).get(0);
        assertThat(podMonitor.getSpec().getPodMetricsEndpoints()).singleElement()
                .satisfies(endpoint -> assertThat(endpoint.getPort()).isEqualTo("http"));
        for (StatefulSet set : rendered.statefulSets()) {
            Map<String, String> labels = Rendered.podLabels(set);
            assertThat(labels.entrySet()).containsAll(metrics.getSpec().getSelector().entrySet());
            assertThat(labels.entrySet()).containsAll(podMonitor.getSpec().getSelector().getMatchLabels().entrySet());
        }
    }

    @Test
    void theRulesAndDashboardsShippedWithTheChartAreRenderedAsTheyAre() throws IOException {
        Rendered rendered = ChartRender.values("monitoring.yaml").render();
        assertRulesAndDashboards(ChartRender.CHART, rendered);
    }

    @Test
    void rulesAndDashboardsAddedToTheChartAreRenderedUnchanged() throws IOException {
        Path chart = copyOfTheChart();
        Files.writeString(chart.resolve("alerts/fixture.yml"), """
                groups:
                  - name: fixture
                    rules:
                      - alert: FixtureDown
                        expr: up{job=~".*sluice.*"} == 0
                        for: 1m
                        labels: {severity: critical}
                        annotations:
                          summary: "node {{ $labels.instance }} is down"
                """);
        String dashboardJson = "{\"title\": \"Fixture\", \"panels\": []}";
        Files.writeString(chart.resolve("dashboards/Fixture_Overview.json"), dashboardJson + "\n");
        Rendered rendered = ChartRender.of(chart).valuesFile(ChartRender.VALUES.resolve("monitoring.yaml")).render();

        PrometheusRule rule = rendered.all(PrometheusRule.class).get(0);
        assertThat(rule.getSpec().getGroups()).anySatisfy(group -> {
            assertThat(group.getName()).isEqualTo("fixture");
            assertThat(group.getRules()).singleElement().satisfies(alert -> {
                assertThat(alert.getExpr().getStrVal()).isEqualTo("up{job=~\".*sluice.*\"} == 0");
                assertThat(alert.getAnnotations()).containsEntry("summary", "node {{ $labels.instance }} is down");
            });
        });
        ConfigMap dashboard = rendered.configMap("sluice-dashboard-fixture-overview");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getData()).containsEntry("Fixture_Overview.json", dashboardJson);
        assertRulesAndDashboards(chart, rendered);
    }

    /** The PrometheusRule holds every group of the chart's alerts/*.yml, and a ConfigMap exists per dashboard. */
    private static void assertRulesAndDashboards(Path chart, Rendered rendered) throws IOException {
        List<String> groups = new ArrayList<>();
        for (Path file : files(chart.resolve("alerts"), ".yml")) {
            YAML.readTree(file.toFile()).path("groups").forEach(group -> groups.add(group.path("name").asText()));
        }
        List<PrometheusRule> rules = rendered.all(PrometheusRule.class);
        if (groups.isEmpty()) {
            assertThat(rules).isEmpty();
        } else {
            assertThat(rules).singleElement().satisfies(rule -> assertThat(rule.getSpec().getGroups())
                    .extracting(group -> group.getName()).containsExactlyElementsOf(groups));
        }
        List<Path> dashboards = files(chart.resolve("dashboards"), ".json");
        List<ConfigMap> dashboardMaps = rendered.all(ConfigMap.class).stream()
                .filter(map -> "1".equals(map.getMetadata().getLabels().get("grafana_dashboard"))).toList();
        assertThat(dashboardMaps).hasSameSizeAs(dashboards);
        for (Path file : dashboards) {
            String key = file.getFileName().toString();
            String data = dashboardMaps.stream().filter(map -> map.getData().containsKey(key)).findFirst()
                    .orElseThrow(() -> new AssertionError("no dashboard ConfigMap holds " + key)).getData().get(key);
            JsonNode expected = YAML.readTree(file.toFile());
            assertThat(YAML.readTree(data)).isEqualTo(expected);
        }
    }

    private static List<Path> files(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** The chart with its links resolved (as helm package does), to add files to. */
    private Path copyOfTheChart() throws IOException {
        return ChartRender.copyOfTheChart(temp);
    }
}
