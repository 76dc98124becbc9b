package dev.sluice.metadata;

import java.util.Objects;

/**
 * A registered broker. {@code epoch} identifies this incarnation of the broker (a restart registers again with a
 * higher epoch); {@code rack} is empty when the broker has none. A fenced broker leads no partition and is in no
 * ISR it could be removed from. Immutable.
 */
public record BrokerRegistration(int id, long epoch, String host, int port, String rack, boolean fenced) {
    public BrokerRegistration {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(rack, "rack");
        if (id < 0) {
            throw new IllegalStateException("broker id " + id + " is negative");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalStateException("broker " + id + " has port " + port + " outside 0..65535");
        }
    }

    public boolean hasRack() {
        return !rack.isEmpty();
    }

    public BrokerRegistration withFenced(boolean newFenced) {
        return newFenced == fenced ? this : new BrokerRegistration(id, epoch, host, port, rack, newFenced);
    }
}
