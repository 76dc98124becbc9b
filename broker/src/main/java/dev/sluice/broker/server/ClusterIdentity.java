package dev.sluice.broker.server;

import dev.sluice.storage.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meta.properties} in the data directory ({@link MetaProperties}): the cluster id and the node id that own the
 * directory, and the directory's id. Starting a node on a directory that belongs to another node id or another
 * cluster is refused, because mixing two nodes' logs would corrupt both. The file is written durably
 * ({@link DurableFiles#replace}) before anything else goes into the directory, so a directory with data always has
 * one, unless it was deleted or damaged: then the node refuses to start, saying how to recover, instead of taking the
 * data over under a new identity.
 *
 * <p>The cluster id comes from {@code cluster.id} (required by {@link NodeConfig} for any multi-node quorum, so all
 * nodes agree by construction, as with Kafka's formatted storage); a single-node cluster without one gets a random
 * id on first start. Random ids come from the injected supplier.
 */
record ClusterIdentity(String clusterId, int nodeId, UUID directoryId) {
    private static final Logger log = LoggerFactory.getLogger(ClusterIdentity.class);

    /** What a node keeps in its data directory; their presence means the directory holds data. */
    static final List<String> DATA_ENTRIES = List.of("log", "metadata");

    /**
     * Reads (or, for a directory without data, creates) the directory's identity and checks it against the
     * configuration.
     *
     * @param adoptDataDir the operator's explicit consent ({@code --adopt-data-dir}) to write a new
     *     {@code meta.properties} for a directory that holds data but has none
     * @throws IllegalArgumentException the directory belongs to another node or cluster, or holds data without
     *     {@code meta.properties} and no consent
     * @throws IllegalStateException {@code meta.properties} is damaged
     */
    static ClusterIdentity loadOrCreate(Path dataDir, int nodeId, String configuredClusterId, boolean adoptDataDir,
                                        Supplier<UUID> randomIds) throws IOException {
        boolean configured = configuredClusterId != null && !configuredClusterId.isEmpty();
        Path file = dataDir.resolve(MetaProperties.FILE_NAME);
        if (!Files.exists(file)) {
            refuseUnformattedData(dataDir, nodeId, adoptDataDir);
            MetaProperties created = new MetaProperties(nodeId, configured ? configuredClusterId
                    : randomIds.get().toString(), randomIds.get());
            DurableFiles.replace(file, created.format().getBytes(StandardCharsets.UTF_8));
            return new ClusterIdentity(created.clusterId(), nodeId, created.directoryId());
        }
        MetaProperties.Parsed parsed;
        try {
            parsed = MetaProperties.parse(Files.readString(file, StandardCharsets.UTF_8), randomIds);
        } catch (MetaProperties.DamagedException | java.nio.charset.CharacterCodingException e) {
            throw damaged(dataDir, nodeId, e.getMessage());
        }
        MetaProperties stored = parsed.properties();
        if (stored.nodeId() != nodeId) {
            throw new IllegalArgumentException("data directory " + dataDir + " belongs to node " + stored.nodeId()
                    + ", not node " + nodeId + "; use another --data-dir or --node-id " + stored.nodeId());
        }
        if (configured && !configuredClusterId.equals(stored.clusterId())) {
            throw new IllegalArgumentException("data directory " + dataDir + " belongs to cluster "
                    + stored.clusterId() + ", not " + configuredClusterId + "; use another --data-dir or --cluster-id "
                    + stored.clusterId());
        }
        if (parsed.legacy()) {
            DurableFiles.replace(file, stored.format().getBytes(StandardCharsets.UTF_8));
            log.info("Node {}: {} upgraded to version {} with directory id {}", nodeId, file, MetaProperties.VERSION,
                    stored.directoryId());
        }
        return new ClusterIdentity(stored.clusterId(), nodeId, stored.directoryId());
    }

    private static void refuseUnformattedData(Path dataDir, int nodeId, boolean adoptDataDir) {
        List<String> data = DATA_ENTRIES.stream().filter(name -> Files.exists(dataDir.resolve(name))).toList();
        if (data.isEmpty()) {
            return;
        }
        if (adoptDataDir) {
            log.warn("Node {}: data directory {} holds data ({}) but no {}; adopting it as node {} as asked "
                    + "(--adopt-data-dir)", nodeId, dataDir, data, MetaProperties.FILE_NAME, nodeId);
            return;
        }
        throw new IllegalArgumentException("data directory " + dataDir.toAbsolutePath().normalize() + " holds data "
                + data + " but no " + MetaProperties.FILE_NAME + ", which names the node and cluster that own it (it "
                + "was deleted, or lost before it was written durably). Starting would take the data over under a new "
                + "identity. If the data is node " + nodeId + "'s, start once with --adopt-data-dir (and the "
                + "cluster's --cluster-id) to write the file again; otherwise use an empty --data-dir");
    }

    private static IllegalStateException damaged(Path dataDir, int nodeId, String problem) {
        return new IllegalStateException(MetaProperties.FILE_NAME + " in data directory "
                + dataDir.toAbsolutePath().normalize() + " is damaged: " + problem + ". It names the node and cluster "
                + "that own the directory, so the node cannot tell whose data this is. If the data is node " + nodeId
                + "'s, delete the damaged file and start once with --adopt-data-dir (and the cluster's --cluster-id) "
                + "to write it again; otherwise use an empty --data-dir");
    }
}
