package dev.sluice.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A local cluster of nodes (combined unless told otherwise), each a real {@code sluice server} child process on
 * loopback, started with one
 * shared cluster id and the same {@code --controller-quorum}. Used by {@code sluice dev} and by process-level tests,
 * which also kill -9 and restart nodes. It only ever signals processes it started itself, through their
 * {@link Process} handles. Each node logs to {@code <data dir>/node-<id>/server.log}.
 *
 * <p>Not thread-safe except {@link #close()}, which a shutdown hook may call.
 */
final class DevCluster implements AutoCloseable {
    /** One node's roles ({@code controller}, {@code broker} or {@code controller,broker}) and ports. */
    record NodeSpec(int nodeId, String roles, int brokerPort, int controllerPort, int httpPort, int kafkaPort) {
        /** A node whose Kafka listener takes a free port (0), as tests want. */
        NodeSpec(int nodeId, String roles, int brokerPort, int controllerPort, int httpPort) {
            this(nodeId, roles, brokerPort, controllerPort, httpPort, 0);
        }

        NodeSpec(int nodeId, int brokerPort, int controllerPort, int httpPort) {
            this(nodeId, "controller,broker", brokerPort, controllerPort, httpPort);
        }

        boolean isController() {
            return roles.contains("controller");
        }

        boolean isBroker() {
            return roles.contains("broker");
        }
    }

    private static final long STOP_GRACE_SECONDS = 20;

    private final List<String> launcher;
    private final String host;
    private final Path dataDir;
    private final String clusterId;
    private final Map<Integer, NodeSpec> specs = new LinkedHashMap<>();
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code launcher}: the command that runs {@code sluice} (e.g. {@code bin/sluice}), before its arguments. */
    private List<String> extraServerArgs = List.of();

    DevCluster(List<String> launcher, String host, Path dataDir, String clusterId, List<NodeSpec> nodes) {
        this.launcher = List.copyOf(launcher);
        this.host = host;
        this.dataDir = dataDir;
        this.clusterId = clusterId;
        nodes.forEach(spec -> specs.put(spec.nodeId(), spec));
    }

    /** Node i (1-based) gets broker port {@code basePort + 10 (i - 1)}, controller port +1 and HTTP port +2. */
    static List<NodeSpec> consecutivePorts(int nodes, int basePort) {
        List<NodeSpec> list = new ArrayList<>();
        for (int id = 1; id <= nodes; id++) {
            int broker = basePort + 10 * (id - 1);
            // Kafka ports follow the broker ports 2000 higher: 9092, 9102, ... for the default base 7092.
            list.add(new NodeSpec(id, "controller,broker", broker, broker + 1, broker + 2, broker + 2000));
        }
        return list;
    }

    Map<Integer, NodeSpec> nodes() {
        return specs;
    }

    /** The controllers, as {@code --controller-quorum} takes them. */
    String quorum() {
        return specs.values().stream().filter(NodeSpec::isController)
                .map(s -> s.nodeId() + "@" + host + ":" + s.controllerPort())
                .collect(Collectors.joining(","));
    }

    /** The value for {@code SLUICE_BROKERS} / {@code --brokers}. */
    String brokers() {
        return specs.values().stream().filter(NodeSpec::isBroker).map(s -> host + ":" + s.brokerPort())
                .collect(Collectors.joining(","));
    }

    String broker(int nodeId) {
        return host + ":" + specs.get(nodeId).brokerPort();
    }

    Path nodeDir(int nodeId) {
        return dataDir.resolve("node-" + nodeId);
    }

    Path logFile(int nodeId) {
        return nodeDir(nodeId).resolve("server.log");
    }

    /** Further {@code sluice server} arguments for every node started from now on (e.g. {@code --config FILE}). */
    void setExtraServerArgs(List<String> args) {
        extraServerArgs = List.copyOf(args);
    }

    void startAll() throws IOException {
        for (int id : specs.keySet()) {
            start(id);
        }
    }

    /** Starts node {@code nodeId}'s process (again, after a kill); its log is appended to. */
    void start(int nodeId) throws IOException {
        Process running = processes.get(nodeId);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is already running as pid " + running.pid());
        }
        NodeSpec spec = specs.get(nodeId);
        Files.createDirectories(nodeDir(nodeId));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("server", "--node-id", Integer.toString(nodeId), "--roles", spec.roles(),
                "--cluster-id", clusterId, "--controller-quorum", quorum(), "--host", host,
                "--data-dir", nodeDir(nodeId).resolve("data").toString(),
                "--broker-port", Integer.toString(spec.brokerPort()),
                "--controller-port", Integer.toString(spec.controllerPort()),
                "--http-port", Integer.toString(spec.httpPort()),
                "--kafka-port", Integer.toString(spec.kafkaPort())));
        command.addAll(extraServerArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(nodeId).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("SLUICE_SKIP_BUILD", "1");
        processes.put(nodeId, builder.start());
    }

    /** Completes when node {@code nodeId}'s current process exits. */
    java.util.concurrent.CompletableFuture<Process> onExit(int nodeId) {
        return processes.get(nodeId).onExit();
    }

    long pid(int nodeId) {
        return processes.get(nodeId).pid();
    }

    boolean isAlive(int nodeId) {
        Process process = processes.get(nodeId);
        return process != null && process.isAlive();
    }

    /** SIGSTOP: the node freezes (no heartbeats, no fetches) until {@link #resume}; its sockets stay open. */
    void pause(int nodeId) throws IOException, InterruptedException {
        signal(nodeId, "STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume(int nodeId) throws IOException, InterruptedException {
        signal(nodeId, "CONT");
    }

    private void signal(int nodeId, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(nodeId))).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid(nodeId) + " failed");
        }
    }

    /** SIGKILL: the node gets no chance to shut down cleanly. Waits until the process is gone. */
    void kill(int nodeId) throws InterruptedException {
        Process process = processes.get(nodeId);
        process.destroyForcibly();
        process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** SIGTERM (a graceful shutdown), then SIGKILL if it has not exited within the grace period. */
    void stop(int nodeId) throws InterruptedException {
        Process process = processes.get(nodeId);
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** True when node {@code nodeId} answers 200 on {@code /readyz}. */
    boolean isReady(int nodeId) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":"
                    + specs.get(nodeId).httpPort() + "/readyz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits (bounded) until every running node is ready; fails naming the node and its log otherwise. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int id : specs.keySet()) {
            // Liveness first: another process on the same HTTP port must not pass for this node.
            while (!isAlive(id) || !isReady(id)) {
                if (!isAlive(id)) {
                    throw new IllegalStateException("node " + id + " exited with code " + processes.get(id).exitValue()
                            + "; see " + logFile(id));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + id + " did not become ready within "
                            + timeout.toSeconds() + " s; see " + logFile(id));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    /** Stops every node this cluster started, all at once (SIGTERM), then waits for each. */
    @Override
    public synchronized void close() {
        processes.values().stream().filter(Process::isAlive).forEach(Process::destroy);
        for (int id : processes.keySet()) {
            try {
                stop(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                processes.values().forEach(Process::destroyForcibly);
                return;
            }
        }
    }
}
