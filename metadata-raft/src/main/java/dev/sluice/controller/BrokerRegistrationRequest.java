package dev.sluice.controller;

import java.util.Objects;

/**
 * A broker asking to register: its id, where clients and replicas reach it, its rack (empty: none), and which
 * process and data directory it is ({@code incarnationId}: a UUID the process picked at start; {@code directoryId}:
 * from its {@code meta.properties}), its Kafka wire-protocol port on the same host (0: none), and the id of its log
 * store ({@code logStoreId}: new whenever the store was created empty; empty: unknown). Immutable.
 */
public record BrokerRegistrationRequest(int brokerId, String host, int port, String rack, String incarnationId,
                                        String directoryId, int kafkaPort, String logStoreId) {
    public BrokerRegistrationRequest {
        rack = rack == null ? "" : rack;
        Objects.requireNonNull(incarnationId, "incarnationId");
        Objects.requireNonNull(directoryId, "directoryId");
        Objects.requireNonNull(logStoreId, "logStoreId");
    }

    /** A broker without a Kafka listener that did not say which log store it has. */
    public BrokerRegistrationRequest(int brokerId, String host, int port, String rack, String incarnationId,
                                     String directoryId) {
        this(brokerId, host, port, rack, incarnationId, directoryId, 0, "");
    }
}
