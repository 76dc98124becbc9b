package dev.sluice.chaos.cluster;

import dev.sluice.chaos.net.NetworkFabric;
import dev.sluice.client.Admin;
import dev.sluice.client.BrokerNode;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicListing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The nodes of one chaos run: starts them through a {@link NodeRuntime} on the addresses a {@link NetworkFabric}
 * gives, and kills, pauses and restarts them (a restart keeps the data dir). Node directories are
 * {@code <runDir>/nodes/<id>/} with {@code data/} and {@code server.log}. Thread-safe: the runner and one nemesis at a
 * time call it.
 */
public final class ChaosCluster implements AutoCloseable {
    public static final int BROKER_PORT = 7092;
    public static final int CONTROLLER_PORT = 7093;
    public static final int HTTP_PORT = 7094;
    public static final int KAFKA_PORT = 9092;
    /** Added to an impostor's ports, so it can run beside the node whose id it takes. */
    public static final int IMPOSTOR_PORT_SHIFT = 100;

    private final Topology topology;
    private final NetworkFabric fabric;
    private final NodeRuntime runtime;
    private final Path runDir;
    private final String clusterId;
    private final int portOffset;
    private final ClusterSecurity security;
    private final Map<Integer, RunningNode> running = new ConcurrentHashMap<>();
    private final Map<Integer, Map<String, String>> environments = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code portOffset}: added to the default ports (0 with namespaces; distinct per run on loopback). */
    public ChaosCluster(Topology topology, NetworkFabric fabric, NodeRuntime runtime, Path runDir, String clusterId,
            int portOffset, ClusterSecurity security) {
        this.topology = topology;
        this.fabric = fabric;
        this.runtime = runtime;
        this.runDir = runDir;
        this.clusterId = clusterId;
        this.portOffset = portOffset;
        this.security = security;
    }

    /** A plaintext cluster. */
    public ChaosCluster(Topology topology, NetworkFabric fabric, NodeRuntime runtime, Path runDir, String clusterId,
            int portOffset) {
        this(topology, fabric, runtime, runDir, clusterId, portOffset, ClusterSecurity.PLAINTEXT);
    }

    public Topology topology() {
        return topology;
    }

    public NetworkFabric fabric() {
        return fabric;
    }

    public Path nodeDir(int nodeId) {
        return runDir.resolve("nodes").resolve(Integer.toString(nodeId));
    }

    public Path dataDir(int nodeId) {
        return nodeDir(nodeId).resolve("data");
    }

    /**
     * Starts every node with the run's fixed settings plus {@code extraSettings} (e.g. {@code log.durable.acks}) and
     * its security settings, written to {@code nodes/<id>/server.properties} (per node: each has its own certificate).
     */
    public void startAll(Map<String, String> extraSettings) throws IOException {
        List<String> lines = new ArrayList<>(List.of("default.replication.factor=3",
                "offsets.topic.replication.factor=3", "offsets.topic.num.partitions=3",
                "replica.lag.time.max.ms=10000"));
        extraSettings.forEach((key, value) -> lines.add(key + "=" + value));
        for (NodeSpec node : topology.nodes()) {
            List<String> nodeLines = new ArrayList<>(lines);
            security.nodeSettings(node.id()).forEach((key, value) -> nodeLines.add(key + "=" + value));
            Files.createDirectories(nodeDir(node.id()));
            Files.writeString(configFile(node.id()), String.join("\n", nodeLines) + "\n");
        }
        for (NodeSpec node : topology.nodes()) {
            start(node.id());
        }
    }

    private Path configFile(int nodeId) {
        return nodeDir(nodeId).resolve("server.properties");
    }

    /** Starts (or restarts, on the same data dir) node {@code nodeId}. */
    public synchronized void start(int nodeId) throws IOException {
        RunningNode current = running.get(nodeId);
        if (current != null && current.isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is already running (" + current.id() + ")");
        }
        Files.createDirectories(dataDir(nodeId));
        Map<String, String> env = environments.getOrDefault(nodeId, Map.of());
        running.put(nodeId, runtime.start(new NodeLaunch(nodeId, serverArgs(nodeId, dataDir(nodeId), 0), env,
                dataDir(nodeId), nodeDir(nodeId).resolve("server.log"))));
    }

    /**
     * Starts an impostor of live node {@code nodeId}: another {@code sluice server} with the same node id, roles,
     * cluster id and controller quorum, in the same network (namespace) as that node, but with its own data dir
     * ({@code <dir>/data}, log {@code <dir>/server.log}) and ports shifted by {@link #IMPOSTOR_PORT_SHIFT}. The caller
     * owns the returned process and must kill it; the cluster does not track it.
     */
    public RunningNode startImpostor(int nodeId, Path dir) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        return runtime.start(new NodeLaunch(nodeId, serverArgs(nodeId, data, IMPOSTOR_PORT_SHIFT), Map.of(), data,
                dir.resolve("server.log")));
    }

    private List<String> serverArgs(int nodeId, Path dataDir, int portShift) {
        NodeSpec spec = topology.nodes().stream().filter(n -> n.id() == nodeId).findFirst().orElseThrow();
        return List.of("server", "--node-id", Integer.toString(nodeId),
                "--roles", spec.roles(), "--cluster-id", clusterId, "--controller-quorum", quorum(),
                "--host", fabric.address(nodeId), "--data-dir", dataDir.toString(),
                "--broker-port", Integer.toString(BROKER_PORT + portOffset + portShift),
                "--controller-port", Integer.toString(CONTROLLER_PORT + portOffset + portShift),
                "--http-port", Integer.toString(HTTP_PORT + portOffset + portShift),
                "--kafka-port", Integer.toString(KAFKA_PORT + portOffset + portShift),
                "--config", configFile(nodeId).toString());
    }

    /** Environment for node {@code nodeId}'s next start (e.g. libfaketime); empty map to clear. */
    public void setEnvironment(int nodeId, Map<String, String> environment) {
        environments.put(nodeId, new HashMap<>(environment));
    }

    public boolean isAlive(int nodeId) {
        RunningNode node = running.get(nodeId);
        return node != null && node.isAlive();
    }

    public String processId(int nodeId) {
        RunningNode node = running.get(nodeId);
        return node == null ? "none" : node.id();
    }

    public void kill(int nodeId) {
        RunningNode node = running.get(nodeId);
        if (node != null) {
            node.kill();
        }
    }

    public void pause(int nodeId) {
        running.get(nodeId).pause();
    }

    public void resume(int nodeId) {
        RunningNode node = running.get(nodeId);
        if (node != null) {
            node.resume();
        }
    }

    /** Starts every node that is not running, and resumes every paused one. */
    public void restartDead() throws IOException {
        for (int id : topology.nodeIds()) {
            resume(id);
            if (!isAlive(id)) {
                start(id);
            }
        }
    }

    /** Bootstrap list of every broker, {@code host:port,...}. */
    public String bootstrapServers() {
        return topology.brokerIds().stream().map(this::brokerAddress).collect(Collectors.joining(","));
    }

    /** Broker {@code brokerId}'s gRPC address, {@code host:port}. */
    public String brokerAddress(int brokerId) {
        return fabric.address(brokerId) + ":" + (BROKER_PORT + portOffset);
    }

    /** Bootstrap list of every broker's Kafka listener, {@code host:port,...}. */
    public String kafkaBootstrapServers() {
        return topology.brokerIds().stream().map(id -> fabric.address(id) + ":" + (KAFKA_PORT + portOffset))
                .collect(Collectors.joining(","));
    }

    /** An admin client (a super user in a secured run); short timeouts so a nemesis query never blocks long. */
    public Admin admin(int apiTimeoutMs) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrapServers(),
                "request.timeout.ms", Math.min(5_000, apiTimeoutMs), "default.api.timeout.ms", apiTimeoutMs));
        config.putAll(security.adminClient());
        return Admin.create(config);
    }

    /** The active controller (Raft leader) as the cluster reports it, or -1 when unknown. */
    public int activeController() {
        try (Admin admin = admin(5_000)) {
            int leader = admin.describeCluster().quorum().leaderId();
            return leader;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The leader of {@code topic}'s partition {@code partition}, or -1 when unknown. */
    public int partitionLeader(String topic, int partition) {
        try (Admin admin = admin(5_000)) {
            List<PartitionDescription> partitions = admin.describeTopics(List.of(topic)).get(topic).partitions();
            return partitions.get(partition).leader();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    public boolean isReady(int nodeId) {
        URI uri = URI.create("http://" + fabric.address(nodeId) + ":" + (HTTP_PORT + portOffset) + "/readyz");
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits (bounded) until every node answers /readyz, every broker is registered and unfenced, and every partition
     * (internal ones included) has a leader and a full ISR. Readiness already holds a broker back until it is in the
     * ISR of each partition it replicates under a live leader, so once the nodes are ready the ISR check usually
     * passes at its first describe; it catches partitions left leaderless or short for any other reason.
     *
     * @return null once healthy; otherwise what was still missing at the deadline
     */
    public String awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String missing = healthProblem();
        while (missing != null && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            missing = healthProblem();
        }
        return missing;
    }

    private String healthProblem() {
        for (int id : topology.nodeIds()) {
            if (!isReady(id)) {
                return "node " + id + " not ready (/readyz)";
            }
        }
        try (Admin admin = admin(5_000)) {
            List<BrokerNode> brokers = admin.describeCluster().brokers();
            if (brokers.size() != topology.brokerIds().size() || brokers.stream().anyMatch(BrokerNode::fenced)) {
                return "brokers not all registered and unfenced: " + brokers;
            }
            List<String> names = admin.listTopics(true).stream().map(TopicListing::name).toList();
            List<String> lacking = ReplicaHealth.notFullyReplicated(admin.describeTopics(names).values());
            return lacking.isEmpty() ? null : lacking.size() + " partitions not fully replicated: "
                    + String.join(", ", lacking.subList(0, Math.min(10, lacking.size())));
        } catch (RuntimeException e) {
            return "cluster not described: " + e.getMessage();
        }
    }

    private String quorum() {
        return topology.controllerIds().stream()
                .map(id -> id + "@" + fabric.address(id) + ":" + (CONTROLLER_PORT + portOffset))
                .collect(Collectors.joining(","));
    }

    /** Stops every node (SIGCONT first, so a paused node can exit). */
    @Override
    public void close() {
        running.values().forEach(RunningNode::stop);
        runtime.close();
    }
}
