package dev.sluice.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice dev}: a local cluster of {@code --nodes} combined nodes, each a real {@code sluice server} child
 * process on loopback. Node i (1-based) listens on broker port {@code base + 10(i-1)}, controller port +1 and HTTP
 * port +2, keeps its data in {@code <data dir>/node-i}, and all share one cluster id (kept in
 * {@code <data dir>/cluster.id}, so a restart on the same directory is the same cluster). Once every node is ready
 * it prints how to reach the cluster, then stays in the foreground until SIGINT/SIGTERM and stops exactly the
 * processes it started.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run a local multi-node cluster of real server processes on loopback.")
public final class DevCommand implements Callable<Integer> {
    private static final String HOST = "127.0.0.1";

    @Option(names = "--nodes", defaultValue = "3", description = "Number of combined nodes (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--base-port", defaultValue = "7092",
            description = "Node i gets ports base+10(i-1) (broker), +1 (controller), +2 (http); "
                    + "default ${DEFAULT-VALUE}.")
    int basePort;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data of all nodes (default: a temporary one).")
    Path dataDir;
    @Option(names = "--ready-timeout-s", defaultValue = "120",
            description = "Give up waiting for the nodes after this many seconds.")
    int readyTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1 || nodes > 9) {
            throw new IllegalArgumentException("--nodes must be between 1 and 9");
        }
        if (basePort < 1 || basePort + 10 * (nodes - 1) + 2 > 65535) {
            throw new IllegalArgumentException("--base-port " + basePort + " leaves no room for " + nodes + " nodes");
        }
        Logging.clientMode();
        Path dir = (dataDir != null ? dataDir : Files.createTempDirectory("sluice-dev-")).toAbsolutePath();
        Files.createDirectories(dir);
        DevCluster cluster = new DevCluster(launcher(), HOST, dir, clusterId(dir),
                DevCluster.consecutivePorts(nodes, basePort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "sluice-dev-shutdown"));
        PrintStream out = System.out;
        out.println("dev: starting " + nodes + " nodes, data in " + dir);
        cluster.startAll();
        cluster.awaitReady(Duration.ofSeconds(readyTimeoutSeconds));
        for (DevCluster.NodeSpec spec : cluster.nodes().values()) {
            out.printf("dev: node %d pid %d broker %s:%d controller %d http %d log %s%n", spec.nodeId(),
                    cluster.pid(spec.nodeId()), HOST, spec.brokerPort(), spec.controllerPort(), spec.httpPort(),
                    cluster.logFile(spec.nodeId()));
        }
        out.println("dev: controller quorum " + cluster.quorum());
        out.println("export SLUICE_BROKERS=" + cluster.brokers());
        for (int id : cluster.nodes().keySet()) {
            cluster.onExit(id).thenAccept(process -> System.err.printf("dev: node %d (pid %d) exited with code %d; "
                    + "see %s%n", id, process.pid(), process.exitValue(), cluster.logFile(id)));
        }
        out.println("dev: ready; press Ctrl-C to stop the cluster");
        out.flush();
        stopped.await();
        return 0;
    }

    /** This same JVM's java and class path, so the children run exactly this build. */
    private static List<String> launcher() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        return command;
    }

    private static String clusterId(Path dir) throws java.io.IOException {
        Path file = dir.resolve("cluster.id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = "dev-" + UUID.randomUUID();
        Files.writeString(file, id + "\n");
        return id;
    }
}
