package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a {@code helm upgrade} depends on: a settings change rolls the pods of the pools it concerns and only those,
 * an unchanged render rolls nothing, the cluster id lives in a ConfigMap that Helm keeps, the disruption budgets'
 * API version follows the cluster's, and the chart runs the version being built.
 */
class ChartUpgradeTest {

    private static Map<String, String> checksums(Rendered rendered) {
        return rendered.statefulSets().stream().collect(Collectors.toMap(Rendered::poolName,
                set -> set.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config")));
    }

    @Test
    void theConfigChecksumChangesWithThePoolsSettingsAndOnlyThen() {
        Map<String, String> before = checksums(ChartRender.chart().render());
        assertThat(before.values()).allMatch(sum -> sum.matches("[0-9a-f]{64}")).doesNotHaveDuplicates();

        assertThat(checksums(ChartRender.chart().render())).as("a second render of the same values")
                .isEqualTo(before);
        assertThat(checksums(ChartRender.chart().set("image.tag", "0.2.0").render()))
                .as("a new image rolls the pods through their image, not the checksum").isEqualTo(before);

        Map<String, String> brokerChange = checksums(ChartRender.chart()
                .set("brokers.config.default\\.replication\\.factor", "3").render());
        assertThat(brokerChange.get("broker")).isNotEqualTo(before.get("broker"));
        assertThat(brokerChange.get("controller")).isEqualTo(before.get("controller"));

        Map<String, String> sharedChange = checksums(ChartRender.chart()
                .set("config.controlled\\.shutdown\\.timeout\\.ms", "10000").render());
        assertThat(sharedChange.get("broker")).isNotEqualTo(before.get("broker"));
        assertThat(sharedChange.get("controller")).isNotEqualTo(before.get("controller"));

        Map<String, String> portChange = checksums(ChartRender.chart().set("ports.http", "8080").render());
        assertThat(portChange.get("broker")).isNotEqualTo(before.get("broker"));
        assertThat(portChange.get("controller")).isNotEqualTo(before.get("controller"));
    }

    @Test
    void theClusterIdIsGeneratedIntoAConfigMapThatHelmKeeps() {
        String name = ChartRender.RELEASE + "-cluster-id";
        ConfigMap first = ChartRender.chart().render().configMap(name);
        assertThat(first.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        String generated = first.getData().get("clusterId");
        assertThat(generated).matches("[A-Za-z0-9]{22}");
        // Without a cluster to look the existing id up in, each render draws a new one; an upgrade against a cluster
        // reuses the ConfigMap's, which only a check against an API server can show.
        assertThat(ChartRender.chart().render().configMap(name).getData().get("clusterId")).isNotEqualTo(generated);

        Rendered restored = ChartRender.chart().set("clusterId", "restored-cluster_1").render();
        assertThat(restored.configMap(name).getData()).containsEntry("clusterId", "restored-cluster_1");
        for (StatefulSet set : restored.statefulSets()) {
            EnvVar clusterId = Rendered.node(set).getEnv().stream().filter(env -> env.getName().equals("CLUSTER_ID"))
                    .findFirst().orElseThrow();
            assertThat(clusterId.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo(name);
            assertThat(clusterId.getValueFrom().getConfigMapKeyRef().getKey()).isEqualTo("clusterId");
        }
    }

    @Test
    void disruptionBudgetsUsePolicyV1WhereTheClusterHasItAndV1beta1Before() {
        assertThat(pdbApiVersions(ChartRender.chart().kubeVersion("1.20.15").render()))
                .containsExactly("policy/v1beta1", "policy/v1beta1");
        assertThat(pdbApiVersions(ChartRender.chart().kubeVersion("1.21.0").render()))
                .containsExactly("policy/v1", "policy/v1");
        assertThat(pdbApiVersions(ChartRender.chart().kubeVersion("1.33.1").render()))
                .containsExactly("policy/v1", "policy/v1");
        assertThat(ChartRender.chart().kubeVersion("1.20.15").render()
                .all(io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class)).hasSize(2);
    }

    private static List<String> pdbApiVersions(Rendered rendered) {
        return rendered.objects().stream().filter(object -> object.getKind().equals("PodDisruptionBudget"))
                .map(HasMetadata::getApiVersion).toList();
    }

    @Test
    void theChartRunsTheVersionBeingBuilt() throws IOException {
        String version = System.getProperty("sluice.version");
        assertThat(version).as("surefire passes the project version").isNotBlank();
        assertThat(Files.readAllLines(ChartRender.CHART.resolve("Chart.yaml")))
                .contains("appVersion: \"" + version + "\"");
        for (StatefulSet set : ChartRender.chart().render().statefulSets()) {
            assertThat(Rendered.node(set).getImage()).isEqualTo("sluice:" + version);
        }
    }
}
