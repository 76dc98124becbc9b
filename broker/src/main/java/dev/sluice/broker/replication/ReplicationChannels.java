package dev.sluice.broker.replication;

import io.grpc.ManagedChannel;
import dev.sluice.security.ChannelSecurity;
import dev.sluice.security.TransportBuffers;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Opens the gRPC channel a {@link ReplicaFetcher} uses to reach a leader. The caller shuts the channel down. */
@FunctionalInterface
public interface ReplicationChannels {

    /**
     * The largest replica-fetch response a follower accepts. gRPC's default inbound limit (4 MiB) is below
     * {@code replica.fetch.response.max.bytes} (10 MiB) and below one oversized batch that a fetch must still return,
     * so a follower far behind would fail every fetch with RESOURCE_EXHAUSTED and never catch up; this matches the
     * broker's own inbound limit instead.
     */
    int MAX_FETCH_RESPONSE_BYTES = 64 * 1024 * 1024;

    /** Plaintext channels to the broker's advertised host and port. */
    ReplicationChannels PLAINTEXT = secured(ChannelSecurity.PLAINTEXT);

    /** Channels to the broker's advertised host and port, secured by {@code security} (TLS: the cluster's). */
    static ReplicationChannels secured(ChannelSecurity security) {
        return endpoint -> security.apply(TransportBuffers.use(
                        NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())))
                .maxInboundMessageSize(MAX_FETCH_RESPONSE_BYTES).build();
    }

    ManagedChannel open(BrokerEndpoint endpoint);
}
