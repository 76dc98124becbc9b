package dev.sluice.client;

import java.util.List;

/**
 * The cluster as {@link Admin#describeCluster()} reports it.
 *
 * @param clusterId the cluster id
 * @param controllerId the active controller's node id, -1 when none
 * @param brokers the registered brokers
 * @param quorum the metadata quorum state
 */
public record ClusterDescription(String clusterId, int controllerId, List<BrokerNode> brokers,
                                 QuorumDescription quorum) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
    }
}
