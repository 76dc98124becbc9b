package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every good values file of test/values/ (and the chart's defaults), rendered and parsed into typed objects, checked
 * for what a running cluster depends on: the quorum voters name the controller pods where they listen, node ids are
 * distinct, probes, grace period, volumes, disruption budgets, anti-affinity, and selectors that select.
 */
class ChartMatrixTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Rendered> RENDERS = new ConcurrentHashMap<>();

    /** The chart's defaults ("defaults") and every values file but the bad ones. */
    static Stream<String> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(ChartRender.VALUES)) {
            List<String> names = new ArrayList<>(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.startsWith("bad-")).sorted().toList());
            names.add(0, "defaults");
            return names.stream();
        }
    }

    private static Rendered rendered(String valuesFile) {
        return RENDERS.computeIfAbsent(valuesFile, name -> name.equals("defaults")
                ? ChartRender.chart().render() : ChartRender.values(name).render());
    }

    /** A value of the values file, over the chart's defaults. */
    private static JsonNode value(String valuesFile, String... path) {
        try {
            JsonNode node = YAML.readTree(ChartRender.CHART.resolve("values.yaml").toFile());
            if (!valuesFile.equals("defaults")) {
                JsonNode override = YAML.readTree(ChartRender.VALUES.resolve(valuesFile).toFile());
                node = YAML.readerForUpdating(node).readValue(override);
            }
            for (String key : path) {
                node = node.path(key);
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(StatefulSet set, String name) {
        return Rendered.node(set).getPorts().stream().filter(port -> name.equals(port.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(set.getMetadata().getName() + " has no port " + name))
                .getContainerPort();
    }

    private static List<Integer> nodeIds(StatefulSet set) {
        int base = Integer.parseInt(Rendered.env(set, "NODE_ID_BASE"));
        return IntStream.range(0, set.getSpec().getReplicas()).mapToObj(ordinal -> base + ordinal).toList();
    }

    private static boolean hasRole(StatefulSet set, String role) {
        return List.of(Rendered.env(set, "ROLES").split(",")).contains(role);
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void quorumVotersAreTheControllerPodsByTheirStableNamesAndPorts(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        List<StatefulSet> controllers = rendered.statefulSets().stream().filter(set -> hasRole(set, "controller"))
                .toList();
        assertThat(controllers).hasSize(1);
        StatefulSet controller = controllers.get(0);
        assertThat(controller.getSpec().getReplicas()).isEqualTo(value(valuesFile, "controllers", "replicas").asInt());
        String domain = controller.getSpec().getServiceName() + "." + ChartRender.NAMESPACE + ".svc."
                + value(valuesFile, "clusterDomain").asText();
        assertThat(Rendered.env(controller, "POD_DOMAIN")).isEqualTo(domain);
        int controllerPort = port(controller, "controller");
        assertThat(controllerPort).isEqualTo(value(valuesFile, "ports", "controller").asInt());
        List<Integer> ids = nodeIds(controller);
        String expected = IntStream.range(0, ids.size())
                .mapToObj(ordinal -> ids.get(ordinal) + "@" + controller.getMetadata().getName() + "-" + ordinal + "."
                        + domain + ":" + controllerPort)
                .collect(Collectors.joining(","));
        for (StatefulSet set : rendered.statefulSets()) {
            assertThat(Rendered.env(set, "QUORUM_VOTERS")).as(set.getMetadata().getName()).isEqualTo(expected);
        }
        Service headless = rendered.service(controller.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).extracting(ServicePort::getPort).contains(controllerPort);
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void nodeIdsAreDistinctAcrossPoolsAndControllersComeFirst(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        Set<Integer> seen = new HashSet<>();
        for (StatefulSet set : rendered.statefulSets()) {
            for (int id : nodeIds(set)) {
                assertThat(seen.add(id)).as("node id %d of %s is unique", id, set.getMetadata().getName()).isTrue();
                assertThat(id).isBetween(hasRole(set, "controller") ? 0 : 100, hasRole(set, "controller") ? 8 : 199);
            }
        }
        assertThat(rendered.statefulSets()).extracting(Rendered::poolName).containsExactlyInAnyOrderElementsOf(
                value(valuesFile, "combined").asBoolean() ? List.of("combined") : List.of("controller", "broker"));
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void probesAskTheNodesHttpEndpoints(String valuesFile) {
        for (StatefulSet set : rendered(valuesFile).statefulSets()) {
            Container node = Rendered.node(set);
            assertThat(port(set, "http")).isEqualTo(value(valuesFile, "ports", "http").asInt());
            for (Probe probe : List.of(node.getStartupProbe(), node.getReadinessProbe(), node.getLivenessProbe())) {
                assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
            }
            assertThat(node.getStartupProbe().getHttpGet()).extracting(HTTPGetAction::getPath).isEqualTo("/readyz");
            assertThat(node.getReadinessProbe().getHttpGet()).extracting(HTTPGetAction::getPath).isEqualTo("/readyz");
            assertThat(node.getLivenessProbe().getHttpGet()).extracting(HTTPGetAction::getPath).isEqualTo("/healthz");
            assertThat(node.getStartupProbe().getFailureThreshold() * node.getStartupProbe().getPeriodSeconds())
                    .as("the startup probe's budget").isGreaterThanOrEqualTo(300);
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void podsGetMoreTimeToStopThanTheControlledShutdownTakesAndStartThroughStartSh(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        for (StatefulSet set : rendered.statefulSets()) {
            long timeoutMs = Long.parseLong(rendered.properties(Rendered.poolName(set))
                    .getProperty("controlled.shutdown.timeout.ms", "5000"));
            assertThat(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds() * 1000)
                    .isGreaterThan(timeoutMs);
            assertThat(Rendered.node(set).getCommand()).containsExactly("/bin/sh", "/opt/sluice/start.sh");
            assertThat(set.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
            assertThat(Rendered.env(set, "CONFIG_FILE")).isEqualTo("/etc/sluice/" + Rendered.poolName(set)
                    + ".properties");
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyPodHasItsOwnVolumeForItsData(String valuesFile) {
        for (StatefulSet set : rendered(valuesFile).statefulSets()) {
            String pool = value(valuesFile, "combined").asBoolean() || Rendered.poolName(set).equals("controller")
                    ? "controllers" : "brokers";
            assertThat(set.getSpec().getVolumeClaimTemplates()).hasSize(1);
            PersistentVolumeClaim claim = set.getSpec().getVolumeClaimTemplates().get(0);
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toString())
                    .isEqualTo(value(valuesFile, pool, "storage", "size").asText());
            String storageClass = value(valuesFile, pool, "storage", "storageClass").asText();
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo(storageClass.isEmpty() ? null : storageClass);
            assertThat(Rendered.node(set).getVolumeMounts()).anyMatch(mount -> mount.getName().equals("data")
                    && mount.getMountPath().equals("/var/lib/sluice"));
            assertThat(Rendered.env(set, "DATA_DIR")).startsWith("/var/lib/sluice/");
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void eachPoolHasADisruptionBudgetOfOnePod(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        List<PodDisruptionBudget> budgets = rendered.all(PodDisruptionBudget.class);
        assertThat(budgets).hasSameSizeAs(rendered.statefulSets());
        for (StatefulSet set : rendered.statefulSets()) {
            PodDisruptionBudget budget = rendered.named(PodDisruptionBudget.class, set.getMetadata().getName());
            assertThat(budget.getApiVersion()).isEqualTo("policy/v1");
            assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(budget.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(set.getSpec().getSelector().getMatchLabels());
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void podsOfAPoolAvoidEachOtherAndSpreadOverZones(String valuesFile) {
        String type = value(valuesFile, "podAntiAffinity", "type").asText();
        for (StatefulSet set : rendered(valuesFile).statefulSets()) {
            PodSpec pod = set.getSpec().getTemplate().getSpec();
            Map<String, String> poolSelector = set.getSpec().getSelector().getMatchLabels();
            var antiAffinity = pod.getAffinity().getPodAntiAffinity();
            if (type.equals("hard")) {
                assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).singleElement()
                        .satisfies(term -> {
                            assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                            assertThat(term.getLabelSelector().getMatchLabels()).isEqualTo(poolSelector);
                        });
                assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).isEmpty();
            } else {
                assertThat(antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement()
                        .satisfies(term -> {
                            assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                            assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                                    .isEqualTo(poolSelector);
                        });
                assertThat(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
            }
            assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
                assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
                assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(poolSelector);
            });
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1000L);
            assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("valuesFiles")
    void selectorsSelectTheirPodsAndOnlyThem(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        for (StatefulSet set : rendered.statefulSets()) {
            Map<String, String> podLabels = Rendered.podLabels(set);
            assertThat(selects(set.getSpec().getSelector().getMatchLabels(), podLabels)).isTrue();
            Service headless = rendered.service(set.getSpec().getServiceName());
            for (StatefulSet other : rendered.statefulSets()) {
                assertThat(selects(headless.getSpec().getSelector(), Rendered.podLabels(other)))
                        .as("%s selects %s", headless.getMetadata().getName(), other.getMetadata().getName())
                        .isEqualTo(other == set);
            }
        }
        Service client = rendered.service(ChartRender.RELEASE);
        assertThat(client.getSpec().getPorts()).extracting(port -> port.getTargetPort().getStrVal() + ":"
                + port.getPort()).containsExactly("broker:" + value(valuesFile, "ports", "broker").asInt(),
                "kafka:" + value(valuesFile, "ports", "kafka").asInt());
        for (StatefulSet set : rendered.statefulSets()) {
            assertThat(selects(client.getSpec().getSelector(), Rendered.podLabels(set)))
                    .as("the client Service selects %s", set.getMetadata().getName())
                    .isEqualTo(hasRole(set, "broker"));
        }
    }

    /**
     * Server-side apply (Helm 4's default) on Kubernetes 1.20 refuses a port without {@code protocol}: the field is
     * a key of the ports list there, and the API server's default is applied too late for the patch.
     */
    @ParameterizedTest
    @MethodSource("valuesFiles")
    void everyPortNamesItsProtocol(String valuesFile) {
        Rendered rendered = rendered(valuesFile);
        for (Service service : rendered.all(Service.class)) {
            assertThat(service.getSpec().getPorts()).as(service.getMetadata().getName())
                    .allSatisfy(port -> assertThat(port.getProtocol()).isEqualTo("TCP"));
        }
        for (StatefulSet set : rendered.statefulSets()) {
            assertThat(Rendered.node(set).getPorts()).as(set.getMetadata().getName())
                    .allSatisfy(port -> assertThat(port.getProtocol()).isEqualTo("TCP"));
        }
    }
}
