package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.server.NodeConfig;
import dev.sluice.cli.ServerCommandLine;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * start.sh, run for pods of rendered StatefulSets, builds a command line that the real {@code sluice server} parser
 * accepts (NodeConfig's checks included: a controller's own voter entry, a broker id outside the voters, the cluster
 * id) with the node id, advertised name, bind address, rack and settings the chart means; and it execs java, so the
 * JVM receives the pod's SIGTERM.
 */
class StartScriptTest {
    @TempDir
    Path temp;

    /** Runs start.sh for every pod of every pool and parses what java got; returns the configs by pod name. */
    private Map<String, NodeConfig> startEveryPod(Rendered rendered, String rack) throws Exception {
        Map<String, NodeConfig> configs = new LinkedHashMap<>();
        for (StatefulSet set : rendered.statefulSets()) {
            for (int ordinal = 0; ordinal < set.getSpec().getReplicas(); ordinal++) {
                String pod = set.getMetadata().getName() + "-" + ordinal;
                Path scratch = Files.createDirectory(temp.resolve(pod));
                StartScript.Run run = StartScript.run(rendered, set, pod, rack, scratch);
                assertThat(run.exitCode()).as("start.sh of %s: %s", pod, run.stderr()).isZero();
                assertThat(run.javaArguments()).containsSubsequence("-cp", "@/app/jib-classpath-file",
                        "dev.sluice.cli.Main", "server");
                assertThat(run.javaArguments()).contains("-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError");
                configs.put(pod, ServerCommandLine.parse(run.sluiceArguments()));
            }
        }
        return configs;
    }

    @Test
    void everyPodOfThreeControllersAndThreeBrokersStartsAsTheNodeTheChartMeans() throws Exception {
        Rendered rendered = ChartRender.values("three-plus-three.yaml").render();
        String clusterId = rendered.configMap(ChartRender.RELEASE + "-cluster-id").getData().get("clusterId");
        Map<String, NodeConfig> configs = startEveryPod(rendered, "");

        assertThat(configs).hasSize(6);
        Set<Integer> ids = new HashSet<>();
        Map<Integer, InetSocketAddress> voters = configs.get("sluice-controller-0").controllerQuorum();
        assertThat(voters.keySet()).containsExactlyInAnyOrder(0, 1, 2);
        configs.forEach((pod, config) -> {
            boolean controller = pod.startsWith("sluice-controller-");
            int ordinal = Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
            String headless = controller ? "sluice-controller-headless" : "sluice-broker-headless";
            assertThat(config.nodeId()).isEqualTo((controller ? 0 : 100) + ordinal);
            assertThat(ids.add(config.nodeId())).isTrue();
            assertThat(config.host()).isEqualTo(pod + "." + headless + ".streaming.svc.cluster.local");
            assertThat(config.bindHost()).isEqualTo("0.0.0.0");
            assertThat(config.isController()).isEqualTo(controller);
            assertThat(config.isBroker()).isEqualTo(!controller);
            assertThat(config.controllerQuorum()).isEqualTo(voters);
            assertThat(config.clusterId()).isEqualTo(clusterId);
            assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/sluice/data"));
            assertThat(config.rack()).isEmpty();
            assertThat(config.controlledShutdownTimeoutMs()).isEqualTo(20_000);
            assertThat(config.retentionCheckIntervalMs()).isEqualTo(604_800_000L);
            assertThat(config.defaultReplicationFactor()).isEqualTo(controller ? 1 : 3);
            if (controller) {
                assertThat(voters.get(config.nodeId()).getHostString()).isEqualTo(config.host());
                assertThat(voters.get(config.nodeId()).getPort()).isEqualTo(config.controllerPort());
            }
        });
    }

    @Test
    void aCombinedNodeIsTheOnlyVoterAndServesEveryPortOnItsName() throws Exception {
        Rendered rendered = ChartRender.values("combined-single.yaml").render();
        Map<String, NodeConfig> configs = startEveryPod(rendered, "");
        assertThat(configs.keySet()).containsExactly("sluice-combined-0");
        NodeConfig node = configs.get("sluice-combined-0");
        String name = "sluice-combined-0.sluice-combined-headless.streaming.svc.cluster.local";
        assertThat(node.nodeId()).isZero();
        assertThat(node.isController() && node.isBroker()).isTrue();
        assertThat(node.controllerQuorum()).containsOnlyKeys(0);
        assertThat(node.controllerQuorum().get(0).getHostString()).isEqualTo(name);
        assertThat(List.of(node.brokerPort(), node.controllerPort(), node.httpPort()))
                .containsExactly(7092, 7093, 7094);
    }

    @Test
    void portsFromValuesReachEveryNodeAndTheVoterEntries() throws Exception {
        Rendered rendered = ChartRender.values("five-controllers.yaml").render();
        Map<String, NodeConfig> configs = startEveryPod(rendered, "");
        assertThat(configs).hasSize(10);
        for (NodeConfig config : configs.values()) {
            assertThat(List.of(config.brokerPort(), config.controllerPort(), config.httpPort()))
                    .containsExactly(9092, 9093, 9094);
            assertThat(config.controllerQuorum().values()).extracting(InetSocketAddress::getPort).containsOnly(9093);
            assertThat(config.host()).endsWith(".streaming.svc.k8s.example.internal");
        }
    }

    @Test
    void withRacksABrokerTakesTheZoneTheInitContainerWrote() throws Exception {
        Rendered rendered = ChartRender.values("racks.yaml").render();
        Map<String, NodeConfig> configs = startEveryPod(rendered, "eu-west-1b");
        assertThat(configs.entrySet().stream().filter(entry -> entry.getKey().startsWith("sluice-broker-"))
                .map(entry -> entry.getValue().rack()).collect(Collectors.toSet())).containsExactly("eu-west-1b");
        assertThat(configs.get("sluice-controller-0").rack()).isEmpty();

        StatefulSet broker = rendered.pool("broker");
        StartScript.Run empty = StartScript.run(rendered, broker, "sluice-broker-0", "",
                Files.createDirectory(temp.resolve("empty-rack")));
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.stderr()).contains("rack awareness is on but").contains("is empty");
        assertThat(empty.javaArguments()).isEmpty();
    }

    @Test
    void aPodNameWithoutAnOrdinalIsRefusedBeforeJavaStarts() throws IOException, InterruptedException {
        Rendered rendered = ChartRender.chart().render();
        StartScript.Run run = StartScript.run(rendered, rendered.pool("broker"), "sluice-broker-x", "",
                Files.createDirectory(temp.resolve("no-ordinal")));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("pod name sluice-broker-x does not end in a StatefulSet ordinal");
        assertThat(run.javaArguments()).isEmpty();
    }

    @Test
    void startShExecsJavaSoTheJvmIsThePodsFirstProcess() {
        String script = ChartRender.chart().render().configMap(ChartRender.RELEASE + "-config").getData()
                .get("start.sh");
        List<String> commands = script.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(commands.get(commands.size() - 1)).startsWith("exec java ");
        assertThat(commands).filteredOn(line -> line.matches("^java\\b.*")).isEmpty();
    }
}
