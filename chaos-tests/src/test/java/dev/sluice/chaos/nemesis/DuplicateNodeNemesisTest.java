package dev.sluice.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.cluster.NodeLaunch;
import dev.sluice.chaos.cluster.NodeRuntime;
import dev.sluice.chaos.cluster.RunningNode;
import dev.sluice.chaos.cluster.Topology;
import dev.sluice.chaos.disk.LazyFsDisks;
import dev.sluice.chaos.net.LoopbackFabric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The impostor's launch and lifecycle, with a node runtime that records launches instead of starting processes. */
class DuplicateNodeNemesisTest {
    @TempDir
    Path runDir;

    private final List<NodeLaunch> launches = new ArrayList<>();
    private final List<FakeNode> started = new ArrayList<>();
    private ChaosCluster cluster;
    private NemesisContext context;

    /** A node that is alive until killed (or until the test says it died). */
    private static final class FakeNode implements RunningNode {
        boolean alive = true;

        @Override
        public String id() {
            return "fake";
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public void kill() {
            alive = false;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void stop() {
            alive = false;
        }
    }

    @BeforeEach
    void startCluster() throws Exception {
        LoopbackFabric fabric = new LoopbackFabric(10, "test");
        fabric.setUp(Topology.COMBINED.nodeIds());
        NodeRuntime runtime = new NodeRuntime() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public RunningNode start(NodeLaunch launch) {
                launches.add(launch);
                FakeNode node = new FakeNode();
                started.add(node);
                return node;
            }
        };
        cluster = new ChaosCluster(Topology.COMBINED, fabric, runtime, runDir, "chaos-cluster", 0);
        cluster.startAll(Map.of());
        context = new NemesisContext(cluster, new SplittableRandom(7), "t", 4, runDir, new LazyFsDisks(runDir,
                runDir));
    }

    private static String arg(NodeLaunch launch, String flag) {
        return launch.serverArgs().get(launch.serverArgs().indexOf(flag) + 1);
    }

    @Test
    void theImpostorTakesALiveNodesIdentityWithItsOwnDataDirAndPorts() throws Exception {
        DuplicateNodeNemesis nemesis = new DuplicateNodeNemesis();

        String description = nemesis.start(context);

        NodeLaunch impostor = launches.get(3);
        String copied = arg(impostor, "--node-id");
        NodeLaunch real = launches.get(Integer.parseInt(copied) - 1);
        for (String sameFlag : List.of("--node-id", "--roles", "--cluster-id", "--controller-quorum", "--host",
                "--config")) {
            assertThat(arg(impostor, sameFlag)).as(sameFlag).isEqualTo(arg(real, sameFlag));
        }
        for (String portFlag : List.of("--broker-port", "--controller-port", "--http-port",
                "--kafka-port")) {
            assertThat(Integer.parseInt(arg(impostor, portFlag))).as(portFlag)
                    .isEqualTo(Integer.parseInt(arg(real, portFlag)) + ChaosCluster.IMPOSTOR_PORT_SHIFT);
        }
        assertThat(impostor.dataDir()).isEqualTo(cluster.nodeDir(Integer.parseInt(copied)).resolve("impostor-1/data"))
                .isNotEqualTo(real.dataDir());
        assertThat(arg(impostor, "--data-dir")).isEqualTo(impostor.dataDir().toString());
        assertThat(description).contains("impostor of node " + copied);
    }

    @Test
    void healKillsTheImpostorAndRestartsTheRealNodeIfItDied() throws Exception {
        DuplicateNodeNemesis nemesis = new DuplicateNodeNemesis();
        nemesis.start(context);
        FakeNode impostor = started.get(3);
        int copied = Integer.parseInt(arg(launches.get(3), "--node-id"));
        started.get(copied - 1).alive = false;

        String description = nemesis.heal(context);

        assertThat(impostor.alive).isFalse();
        assertThat(launches).hasSize(5);
        assertThat(arg(launches.get(4), "--data-dir")).isEqualTo(cluster.dataDir(copied).toString());
        assertThat(description).contains("killed the impostor").contains("had died, restarted");
    }
}
