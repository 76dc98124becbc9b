package dev.sluice.chaos.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.net.LoopbackFabric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Starts, pauses, kills one containerized node; skipped where no Docker engine runs (as on the CI machine). */
class TestcontainersNodeRuntimeIT {
    private static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();

    @Test
    void containerNodeStartsAndDiesOnKill() throws Exception {
        Assumptions.assumeTrue(TestcontainersNodeRuntime.dockerAvailable(), "no Docker engine: skipped");
        Path runDir = Files.createTempDirectory("chaos-tc");
        Path dataDir = runDir.resolve("nodes/1/data");
        Files.createDirectories(dataDir);
        try (TestcontainersNodeRuntime runtime = new TestcontainersNodeRuntime(ROOT)) {
            RunningNode node = runtime.start(new NodeLaunch(1, List.of("server", "--node-id", "1", "--host",
                    TestcontainersNodeRuntime.alias(1), "--data-dir", dataDir.toString()), Map.of(), dataDir,
                    runDir.resolve("nodes/1/server.log")));
            assertThat(node.isAlive()).isTrue();
            node.pause();
            node.resume();
            node.kill();
            assertThat(new LoopbackFabric(10, "unused").name()).isEqualTo("loopback");
        }
    }
}
