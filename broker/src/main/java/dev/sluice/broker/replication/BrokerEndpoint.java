package dev.sluice.broker.replication;

/** Where a broker serves replica fetches: its id and its broker (client API) address. */
public record BrokerEndpoint(int brokerId, String host, int port) {
}
