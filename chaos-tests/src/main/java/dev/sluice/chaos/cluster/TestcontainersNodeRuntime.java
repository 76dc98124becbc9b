package dev.sluice.chaos.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/**
 * Runs each node in an {@code eclipse-temurin:17-jre} container on a shared Docker network, with the built
 * distribution ({@code cli/target/dist}) and the node's data dir bind-mounted. The node's address is its network
 * alias {@code node<id>}. Kill, pause and resume go through the Docker API. Only usable where a Docker engine exists
 * ({@link #dockerAvailable()}).
 */
public final class TestcontainersNodeRuntime implements NodeRuntime {
    private static final String IMAGE = "eclipse-temurin:17-jre";
    private final Path distribution;
    private final Network network = Network.newNetwork();
    private final List<GenericContainer<?>> started = new ArrayList<>();

    public TestcontainersNodeRuntime(Path repositoryRoot) {
        this.distribution = repositoryRoot.resolve("cli/target/dist");
    }

    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public static String alias(int nodeId) {
        return "node" + nodeId;
    }

    @Override
    public String name() {
        return "testcontainers";
    }

    @Override
    public RunningNode start(NodeLaunch launch) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx384m", "-cp", "/opt/sluice/lib/*",
                "dev.sluice.cli.Main"));
        // The data dir is mounted at the same path inside, so the server arguments stay unchanged.
        command.addAll(launch.serverArgs());
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withNetwork(network)
                .withNetworkAliases(alias(launch.nodeId()))
                .withFileSystemBind(distribution.toString(), "/opt/sluice", BindMode.READ_ONLY)
                .withFileSystemBind(launch.dataDir().getParent().getParent().toString(),
                        launch.dataDir().getParent().getParent().toString(), BindMode.READ_WRITE)
                .withEnv(launch.environment())
                .withCommand(command.toArray(String[]::new));
        container.start();
        started.add(container);
        return new ContainerNode(container);
    }

    @Override
    public void close() {
        started.forEach(GenericContainer::stop);
        network.close();
    }

    /** One container; the Docker API delivers the signals. */
    private record ContainerNode(GenericContainer<?> container) implements RunningNode {
        @Override
        public String id() {
            return "container " + container.getContainerId().substring(0, 12);
        }

        @Override
        public boolean isAlive() {
            return container.isRunning();
        }

        @Override
        public void kill() {
            container.getDockerClient().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
        }

        @Override
        public void pause() {
            container.getDockerClient().pauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void resume() {
            container.getDockerClient().unpauseContainerCmd(container.getContainerId()).exec();
        }

        @Override
        public void stop() {
            container.stop();
        }
    }
}
