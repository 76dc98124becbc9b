package dev.sluice.broker.server;

import dev.sluice.raft.io.RaftNodeConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The settings of one {@code sluice server} process, parsed and validated from string properties (a config file
 * with command-line flags layered on top). Immutable; any thread.
 *
 * <p>Every key has a default, so an empty configuration is a single combined node with data under {@code ./data}.
 * A bad value fails with {@link IllegalArgumentException} naming the key, before anything is started.
 *
 * <p>{@code host} is the name advertised to clients and the other nodes; {@code bindHost} is the address the ports
 * listen on, {@code host} itself unless {@code bind.host} is set.
 *
 * <p>{@code adoptDataDir} is not a key: it is the operator's one-time consent ({@code sluice server
 * --adopt-data-dir}) to take over a data directory that holds data but lost its {@code meta.properties}; a config
 * file that kept it would silently disarm that check on every start.
 *
 * <p>{@code tls} holds the {@code listener.<name>.tls.*} keys ({@link NodeTls}): TLS and client certificates per
 * gRPC listener; {@code authorization} the ACL checks ({@link AuthorizationConfig}); {@code authentication}
 * SCRAM and whether calls need a principal ({@link AuthenticationConfig}).
 */
public record NodeConfig(
        int nodeId,
        Set<Role> roles,
        Path dataDir,
        String host,
        String bindHost,
        int brokerPort,
        int controllerPort,
        int httpPort,
        String rack,
        Map<Integer, InetSocketAddress> controllerQuorum,
        int defaultPartitions,
        int defaultReplicationFactor,
        long retentionCheckIntervalMs,
        int offsetsTopicPartitions,
        int offsetsTopicReplicationFactor,
        long brokerHeartbeatIntervalMs,
        long brokerSessionTimeoutMs,
        String clusterId,
        long replicaLagTimeMaxMs,
        long metadataSnapshotIntervalEntries,
        boolean autoLeaderRebalanceEnable,
        long controlledShutdownTimeoutMs,
        long logFlushSchedulerIntervalMs,
        boolean defaultDurableAcks,
        String logVerifyOnOpen,
        long quorumElectionTimeoutMs,
        long quorumFetchTimeoutMs,
        KafkaListenerConfig kafka,
        boolean adoptDataDir,
        NodeTls tls,
        AuthorizationConfig authorization,
        AuthenticationConfig authentication) {

    /** The two roles a node can play; combined mode plays both. */
    public enum Role { CONTROLLER, BROKER }

    public static final String NODE_ID = "node.id";
    public static final String ROLES = "process.roles";
    public static final String DATA_DIR = "data.dir";
    public static final String HOST = "host";
    /**
     * The address the node's ports listen on, when it is not {@link #HOST}: {@code 0.0.0.0} in a container, whose
     * stable DNS name (advertised as {@code host}) may not resolve to an interface of its own, or not yet at start.
     */
    public static final String BIND_HOST = "bind.host";
    public static final String BROKER_PORT = "broker.port";
    public static final String CONTROLLER_PORT = "controller.port";
    public static final String HTTP_PORT = "http.port";
    public static final String RACK = "broker.rack";
    public static final String CONTROLLER_QUORUM = "controller.quorum.voters";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String OFFSETS_TOPIC_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String SNAPSHOT_INTERVAL_ENTRIES = "metadata.snapshot.interval.entries";
    public static final String AUTO_LEADER_REBALANCE_ENABLE = "auto.leader.rebalance.enable";
    public static final String CONTROLLED_SHUTDOWN_TIMEOUT_MS = "controlled.shutdown.timeout.ms";
    /** How often the {@code flush.ms} pass looks for overdue unsynced data. */
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    /** The {@code durable.acks} a controller gives a topic created without one. */
    public static final String LOG_DURABLE_ACKS = "log.durable.acks";
    /** When the partition store's SST checksums are verified at start: after-unclean-shutdown, always, never. */
    public static final String LOG_VERIFY_ON_OPEN = "log.verify.on.open";
    /**
     * The metadata quorum's base election timeout (Kafka's name): a voter without a leader waits this long plus a
     * random jitter of up to as long again before it asks for votes.
     */
    public static final String QUORUM_ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    /**
     * The metadata quorum's fetch timeout (Kafka's name): a follower that has not heard from its leader this long
     * starts an election, and a leader not fetched from by a majority this long resigns.
     */
    public static final String QUORUM_FETCH_TIMEOUT_MS = "controller.quorum.fetch.timeout.ms";

    /**
     * The smallest Raft timeout accepted, as for {@code broker.heartbeat.interval.ms}. The Raft core derives its
     * long-poll wait and request timeout from the fetch timeout (a quarter each, at least 1 ms) and refuses a fetch
     * timeout they do not fit in (below 3 ms); a few milliseconds are a typo, not a setting.
     */
    static final int MIN_QUORUM_TIMEOUT_MS = 10;

    /** Keys and their defaults; docs/configuration.md documents each one. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(NODE_ID, "1");
        d.put(ROLES, "controller,broker");
        d.put(DATA_DIR, "./data");
        d.put(HOST, "localhost");
        d.put(BIND_HOST, "");
        d.put(BROKER_PORT, "7092");
        d.put(CONTROLLER_PORT, "7093");
        d.put(HTTP_PORT, "7094");
        d.put(RACK, "");
        d.put(CONTROLLER_QUORUM, "");
        d.put(NUM_PARTITIONS, "1");
        d.put(DEFAULT_REPLICATION_FACTOR, "1");
        d.put(RETENTION_CHECK_INTERVAL_MS, "30000");
        d.put(OFFSETS_TOPIC_PARTITIONS, "10");
        d.put(OFFSETS_TOPIC_REPLICATION_FACTOR, "3");
        d.put(HEARTBEAT_INTERVAL_MS, "2000");
        d.put(SESSION_TIMEOUT_MS, "6000");
        d.put(CLUSTER_ID, "");
        d.put(REPLICA_LAG_TIME_MAX_MS, "30000");
        d.put(SNAPSHOT_INTERVAL_ENTRIES, "10000");
        d.put(AUTO_LEADER_REBALANCE_ENABLE, "true");
        d.put(CONTROLLED_SHUTDOWN_TIMEOUT_MS, "5000");
        d.put(LOG_FLUSH_SCHEDULER_INTERVAL_MS, "1000");
        d.put(LOG_DURABLE_ACKS, "false");
        d.put(LOG_VERIFY_ON_OPEN, "after-unclean-shutdown");
        d.put(QUORUM_ELECTION_TIMEOUT_MS, Long.toString(RaftNodeConfig.DEFAULT_ELECTION_TIMEOUT_MS));
        d.put(QUORUM_FETCH_TIMEOUT_MS, Long.toString(RaftNodeConfig.DEFAULT_FETCH_TIMEOUT_MS));
        d.put(KafkaListenerConfig.ENABLED, "true");
        d.put(KafkaListenerConfig.PORT, "9092");
        d.put(KafkaListenerConfig.MAX_REQUEST_BYTES, Integer.toString(100 * 1024 * 1024));
        d.put(KafkaListenerConfig.AUTO_CREATE_TOPICS, "true");
        d.putAll(NodeTls.defaults());
        d.putAll(AuthorizationConfig.defaults());
        d.putAll(AuthenticationConfig.defaults());
        return java.util.Collections.unmodifiableMap(d);
    }

    /** Parses properties; unknown keys are refused so that a typo does not silently keep a default. */
    public static NodeConfig parse(Properties properties) {
        for (String key : properties.stringPropertyNames()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown server config '" + key + "'; known: "
                        + String.join(", ", DEFAULTS.keySet()));
            }
        }
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k).trim()));
        int nodeId = intValue(values, NODE_ID, 0, Integer.MAX_VALUE);
        String host = values.get(HOST);
        String bindHost = bindHost(host, values.get(BIND_HOST));
        int controllerPort = intValue(values, CONTROLLER_PORT, 0, 65535);
        Set<Role> roles = parseRoles(values.get(ROLES));
        Map<Integer, InetSocketAddress> quorum = values.get(CONTROLLER_QUORUM).isEmpty()
                ? defaultQuorum(roles, nodeId, host, controllerPort)
                : parseQuorum(values.get(CONTROLLER_QUORUM));
        if (roles.contains(Role.CONTROLLER) && !quorum.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " has the controller role but is not among the "
                    + "voters of " + CONTROLLER_QUORUM + " " + quorum.keySet()
                    + "; add it, or run it with roles=broker");
        }
        if (!roles.contains(Role.CONTROLLER) && quorum.containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is a voter of " + CONTROLLER_QUORUM + " "
                    + quorum.keySet() + " but does not have the controller role; node ids are unique in a cluster, so "
                    + "a broker-only node needs an id that is not a voter's (or give it roles=controller,broker)");
        }
        if (roles.contains(Role.CONTROLLER)) {
            VoterAddressCheck.checkOwnEntry(nodeId, quorum.get(nodeId), host, controllerPort);
        }
        String clusterId = values.get(CLUSTER_ID);
        if (clusterId.isEmpty() && (quorum.size() > 1 || !quorum.containsKey(nodeId))) {
            throw new IllegalArgumentException(CLUSTER_ID + " (--cluster-id) is required when the quorum has other "
                    + "nodes, so that every node of the cluster agrees on it; use the same value on every node "
                    + "(any string of letters, digits, '-' and '_', e.g. from uuidgen)");
        }
        if (!clusterId.matches("[A-Za-z0-9_-]{0,64}")) {
            throw new IllegalArgumentException("bad " + CLUSTER_ID + " '" + clusterId
                    + "': use up to 64 letters, digits, '-' and '_'");
        }
        return new NodeConfig(nodeId, roles, Path.of(values.get(DATA_DIR)), host, bindHost,
                intValue(values, BROKER_PORT, 0, 65535), controllerPort, intValue(values, HTTP_PORT, 0, 65535),
                values.get(RACK), quorum,
                intValue(values, NUM_PARTITIONS, 1, 100_000), intValue(values, DEFAULT_REPLICATION_FACTOR, 1, 100),
                longValue(values, RETENTION_CHECK_INTERVAL_MS, 100),
                intValue(values, OFFSETS_TOPIC_PARTITIONS, 1, 1000),
                intValue(values, OFFSETS_TOPIC_REPLICATION_FACTOR, 1, 100),
                longValue(values, HEARTBEAT_INTERVAL_MS, 10), longValue(values, SESSION_TIMEOUT_MS, 100),
                clusterId, longValue(values, REPLICA_LAG_TIME_MAX_MS, 100),
                longValue(values, SNAPSHOT_INTERVAL_ENTRIES, 0), booleanValue(values, AUTO_LEADER_REBALANCE_ENABLE),
                longValue(values, CONTROLLED_SHUTDOWN_TIMEOUT_MS, 0),
                longValue(values, LOG_FLUSH_SCHEDULER_INTERVAL_MS, 10), booleanValue(values, LOG_DURABLE_ACKS),
                oneOf(values, LOG_VERIFY_ON_OPEN, "after-unclean-shutdown", "always", "never"),
                intValue(values, QUORUM_ELECTION_TIMEOUT_MS, MIN_QUORUM_TIMEOUT_MS, Integer.MAX_VALUE),
                intValue(values, QUORUM_FETCH_TIMEOUT_MS, MIN_QUORUM_TIMEOUT_MS, Integer.MAX_VALUE),
                kafkaListener(values), false, NodeTls.parse(values),
                AuthorizationConfig.parse(values), AuthenticationConfig.parse(values));
    }

    private static KafkaListenerConfig kafkaListener(Map<String, String> values) {
        return new KafkaListenerConfig(booleanValue(values, KafkaListenerConfig.ENABLED),
                intValue(values, KafkaListenerConfig.PORT, 0, 65535),
                intValue(values, KafkaListenerConfig.MAX_REQUEST_BYTES, 1024, Integer.MAX_VALUE),
                booleanValue(values, KafkaListenerConfig.AUTO_CREATE_TOPICS));
    }

    /** This configuration with the operator's consent to adopt a data directory without meta.properties. */
    public NodeConfig withAdoptDataDir(boolean adopt) {
        return new NodeConfig(nodeId, roles, dataDir, host, bindHost, brokerPort, controllerPort, httpPort, rack,
                controllerQuorum, defaultPartitions, defaultReplicationFactor, retentionCheckIntervalMs,
                offsetsTopicPartitions, offsetsTopicReplicationFactor, brokerHeartbeatIntervalMs,
                brokerSessionTimeoutMs, clusterId, replicaLagTimeMaxMs, metadataSnapshotIntervalEntries,
                autoLeaderRebalanceEnable, controlledShutdownTimeoutMs, logFlushSchedulerIntervalMs,
                defaultDurableAcks, logVerifyOnOpen, quorumElectionTimeoutMs, quorumFetchTimeoutMs, kafka, adopt,
                tls, authorization, authentication);
    }

    /** The refusal to start when the port of the setting {@code portKey} cannot be listened on. */
    IllegalStateException cannotListen(String portKey, int port) {
        return new IllegalStateException("cannot listen on " + bindHost + ":" + port + " (" + portKey
                + "): the address is in use or not available here");
    }

    public boolean isController() {
        return roles.contains(Role.CONTROLLER);
    }

    public boolean isBroker() {
        return roles.contains(Role.BROKER);
    }

    /**
     * The address to listen on: {@code host} unless {@code bind.host} is set. A bind address that certainly cannot
     * be reached at the advertised host (loopback against a routable literal, two different literals) is refused:
     * clients and the other nodes would be sent to an address nothing listens on.
     */
    private static String bindHost(String host, String configured) {
        if (configured.isEmpty()) {
            return host;
        }
        if (VoterAddressCheck.hostsCertainlyDiffer(configured, host)) {
            throw new IllegalArgumentException(BIND_HOST + " " + configured + " cannot be reached at " + HOST + " "
                    + host + ", the address advertised to clients and the other nodes; bind to " + host
                    + ", to 0.0.0.0 (every interface), or advertise an address of " + configured);
        }
        return configured;
    }

    private static Map<Integer, InetSocketAddress> defaultQuorum(Set<Role> roles, int nodeId, String host, int port) {
        if (!roles.contains(Role.CONTROLLER)) {
            throw new IllegalArgumentException(CONTROLLER_QUORUM
                    + " is required for a node without the controller role");
        }
        return Map.of(nodeId, InetSocketAddress.createUnresolved(host, port));
    }

    static Set<Role> parseRoles(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            try {
                roles.add(Role.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad " + ROLES + " '" + text + "': roles are controller and broker");
            }
        }
        return Set.copyOf(roles);
    }

    /**
     * Parses {@code 1@host:port,2@host:port}. A voter id listed twice, or one address listed for two voters, is
     * refused: either would silently keep one of the entries, and two voters on one address would be one process.
     */
    static Map<Integer, InetSocketAddress> parseQuorum(String text) {
        Map<Integer, InetSocketAddress> voters = new LinkedHashMap<>();
        Map<String, Integer> addresses = new HashMap<>();
        for (String part : text.split(",")) {
            String entry = part.trim();
            int at = entry.indexOf('@');
            int colon = entry.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("bad " + CONTROLLER_QUORUM + " entry '" + entry
                        + "': expected id@host:port");
            }
            try {
                int id = Integer.parseInt(entry.substring(0, at));
                int port = Integer.parseInt(entry.substring(colon + 1));
                InetSocketAddress address = InetSocketAddress.createUnresolved(entry.substring(at + 1, colon), port);
                if (voters.containsKey(id)) {
                    throw new IllegalArgumentException("voter " + id + " is listed twice in " + CONTROLLER_QUORUM
                            + " '" + text + "'; list each voter once");
                }
                Integer sameAddress = addresses.putIfAbsent(entry.substring(at + 1).toLowerCase(Locale.ROOT), id);
                if (sameAddress != null) {
                    throw new IllegalArgumentException("voters " + sameAddress + " and " + id + " have the same "
                            + "address in " + CONTROLLER_QUORUM + " '" + text + "'; each voter needs its own");
                }
                voters.put(id, address);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad " + CONTROLLER_QUORUM + " entry '" + entry
                        + "': expected id@host:port");
            }
        }
        return Map.copyOf(voters);
    }

    private static int intValue(Map<String, String> values, String key, int min, int max) {
        long value = longValue(values, key, min);
        if (value > max) {
            throw new IllegalArgumentException(key + " must be at most " + max + ", got " + value);
        }
        return (int) value;
    }

    private static String oneOf(Map<String, String> values, String key, String... allowed) {
        String text = values.get(key).toLowerCase(Locale.ROOT);
        if (!java.util.Arrays.asList(allowed).contains(text)) {
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", allowed) + ", got '"
                    + values.get(key) + "'");
        }
        return text;
    }

    private static boolean booleanValue(Map<String, String> values, String key) {
        String text = values.get(key).toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + values.get(key) + "'");
        }
        return Boolean.parseBoolean(text);
    }

    private static long longValue(Map<String, String> values, String key, long min) {
        String text = values.get(key);
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + text + "'");
        }
        if (value < min) {
            throw new IllegalArgumentException(key + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
