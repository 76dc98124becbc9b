package dev.sluice.metadata;

import java.util.Objects;

/**
 * A registered broker. {@code epoch} identifies this registration (a restart registers again with a higher epoch);
 * {@code rack} is empty when the broker has none. {@code incarnationId} names the process that registered (a UUID it
 * picked at start) and {@code directoryId} its data directory (from {@code meta.properties}); both are empty in
 * registrations written before they existed. A fenced broker leads no partition and is in no ISR it could be removed
 * from. {@code kafkaPort} is the port of its Kafka wire-protocol listener on {@code host}, 0 when it has none (or
 * registered before the field existed). {@code logStoreId} names the log store it registered with (new whenever the
 * store was created empty), empty when unknown. Immutable.
 */
public record BrokerRegistration(int id, long epoch, String host, int port, String rack, boolean fenced,
                                 String incarnationId, String directoryId, int kafkaPort, String logStoreId) {
    public BrokerRegistration {
        Objects.requireNonNull(logStoreId, "logStoreId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(rack, "rack");
        Objects.requireNonNull(incarnationId, "incarnationId");
        Objects.requireNonNull(directoryId, "directoryId");
        if (id < 0) {
            throw new IllegalStateException("broker id " + id + " is negative");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalStateException("broker " + id + " has port " + port + " outside 0..65535");
        }
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalStateException("broker " + id + " has Kafka port " + kafkaPort + " outside 0..65535");
        }
    }

    /** A registration without a Kafka listener or a log store id. */
    public BrokerRegistration(int id, long epoch, String host, int port, String rack, boolean fenced,
                              String incarnationId, String directoryId) {
        this(id, epoch, host, port, rack, fenced, incarnationId, directoryId, 0, "");
    }

    /** A registration without process identity (as written before it existed). */
    public BrokerRegistration(int id, long epoch, String host, int port, String rack, boolean fenced) {
        this(id, epoch, host, port, rack, fenced, "", "", 0, "");
    }

    public boolean hasRack() {
        return !rack.isEmpty();
    }

    public BrokerRegistration withFenced(boolean newFenced) {
        return newFenced == fenced ? this
                : new BrokerRegistration(id, epoch, host, port, rack, newFenced, incarnationId, directoryId, kafkaPort,
                        logStoreId);
    }
}
