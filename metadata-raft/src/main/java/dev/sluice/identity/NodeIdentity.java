package dev.sluice.identity;

import dev.sluice.proto.internal.v1.SenderIdentity;
import java.util.Objects;

/**
 * What tells this node's requests apart from another process's, beyond the node id (see {@code identity.proto}):
 * the cluster of its data directory, the directory's id (kept in {@code meta.properties}, so it survives restarts)
 * and this process's incarnation id (new at every start). Sent with every node-to-node request. Immutable.
 */
public record NodeIdentity(String clusterId, String directoryId, String incarnationId) {
    public NodeIdentity {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(directoryId, "directoryId");
        Objects.requireNonNull(incarnationId, "incarnationId");
        if (clusterId.isEmpty() || directoryId.isEmpty() || incarnationId.isEmpty()) {
            throw new IllegalArgumentException("a node identity needs a cluster id, a directory id and an incarnation"
                    + " id, got " + clusterId + "/" + directoryId + "/" + incarnationId);
        }
    }

    /** The wire form, built once and attached to every request. */
    public SenderIdentity toProto() {
        return SenderIdentity.newBuilder().setClusterId(clusterId).setDirectoryId(directoryId)
                .setIncarnationId(incarnationId).build();
    }
}
