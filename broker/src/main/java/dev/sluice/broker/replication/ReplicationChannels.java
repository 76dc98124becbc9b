package dev.sluice.broker.replication;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** Opens the gRPC channel a {@link ReplicaFetcher} uses to reach a leader. The caller shuts the channel down. */
@FunctionalInterface
public interface ReplicationChannels {

    /** Plaintext channels to the broker's advertised host and port. */
    ReplicationChannels PLAINTEXT = endpoint -> ManagedChannelBuilder.forAddress(endpoint.host(), endpoint.port())
            .usePlaintext().build();

    ManagedChannel open(BrokerEndpoint endpoint);
}
