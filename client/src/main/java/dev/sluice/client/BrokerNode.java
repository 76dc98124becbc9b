package dev.sluice.client;

/**
 * A broker of the cluster.
 *
 * @param id the node id
 * @param host the advertised host
 * @param port the broker port
 * @param rack the rack, empty when unset
 * @param fenced whether the controller has fenced the broker
 */
public record BrokerNode(int id, String host, int port, String rack, boolean fenced) {
    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }
}
