package dev.sluice.broker.server;

/**
 * The epoch of this broker's current registration with the controller, -1 while unregistered. The
 * {@link BrokerLifecycle} sets it; the replica fetchers send it with every fetch. It is its own object because the
 * replicas are built before the metadata log replays (the replay feeds them), long before the lifecycle, which needs
 * the bound broker port. Thread-safe: a volatile value.
 */
final class BrokerEpoch {
    static final long UNREGISTERED = -1;

    private volatile long epoch = UNREGISTERED;

    long get() {
        return epoch;
    }

    void set(long epoch) {
        this.epoch = epoch;
    }
}
