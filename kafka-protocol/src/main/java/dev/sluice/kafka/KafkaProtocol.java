package dev.sluice.kafka;

import dev.sluice.broker.server.BrokerProtocol;
import dev.sluice.broker.server.BrokerServices;
import java.io.IOException;

/**
 * The Kafka wire protocol as a {@link BrokerProtocol}: {@code sluice server} hands it to the node, whose brokers then
 * serve Kafka clients on {@code kafka.listener.port} (9092) unless {@code kafka.listener.enabled=false}. See
 * docs/kafka-protocol.md for what is served.
 */
public final class KafkaProtocol implements BrokerProtocol {
    @Override
    public Listener start(BrokerServices services) throws IOException {
        return KafkaListener.start(services);
    }
}
