package dev.sluice.broker.server;

/**
 * The settings of a broker's Kafka wire-protocol listener (served by the {@code kafka-protocol} module when the
 * process has it, see {@link BrokerProtocol}). Immutable.
 *
 * @param enabled         {@code kafka.listener.enabled}: whether a broker serves the Kafka protocol at all
 * @param port            {@code kafka.listener.port}: the port, on the node's bind host; 0 picks a free one
 * @param maxRequestBytes {@code socket.request.max.bytes}: the largest request frame accepted; a larger one closes
 *                        the connection, as in Kafka
 * @param autoCreateTopics {@code auto.create.topics.enable}: whether a Kafka Metadata request for an unknown topic
 *                        creates it with the broker defaults (when the client allows it), as in Kafka
 */
public record KafkaListenerConfig(boolean enabled, int port, int maxRequestBytes, boolean autoCreateTopics) {
    public static final String ENABLED = "kafka.listener.enabled";
    public static final String PORT = "kafka.listener.port";
    public static final String MAX_REQUEST_BYTES = "socket.request.max.bytes";
    public static final String AUTO_CREATE_TOPICS = "auto.create.topics.enable";
}
