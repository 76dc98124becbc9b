package dev.sluice.broker.server;

import java.io.IOException;

/**
 * A client protocol a broker serves next to its gRPC API, on the same partitions, groups and offsets: the Kafka wire
 * protocol (module {@code kafka-protocol}). It lives outside the broker module so that the broker does not depend on
 * a protocol's libraries, and the process that has it ({@code sluice server}) hands it to {@link Node#start}; it
 * serves through the handlers of {@link BrokerServices}, the same the gRPC services call.
 *
 * <p>The broker role starts it after its own port and before it registers, so that the port it bound is registered
 * with the broker and advertised to clients; it stops it before the broker port.
 */
public interface BrokerProtocol {
    /** Starts listening; the broker registers the returned listener's port. */
    Listener start(BrokerServices services) throws IOException;

    /** A started protocol listener. */
    interface Listener extends AutoCloseable {
        /** The port bound (the configured one, or the one chosen for a configured 0). */
        int port();

        /** Stops accepting, closes the connections and stops the listener's threads. */
        @Override
        void close();
    }
}
