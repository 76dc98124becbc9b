package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.FenceBrokerRecord;
import dev.sluice.proto.internal.v1.RegisterBrokerRecord;
import dev.sluice.proto.internal.v1.UnfenceBrokerRecord;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Broker changes on top of a {@link ClusterImage}. Mutable; owned by the thread replaying records.
 *
 * <p>Invariants (a violation is a broken log, so {@link IllegalStateException}): a registration's epoch is above the
 * broker's previous one; fence and unfence name a registered broker with its current epoch.
 */
public final class ClusterDelta {
    private final ClusterImage base;
    private final Map<Integer, BrokerRegistration> changed = new TreeMap<>();

    ClusterDelta(ClusterImage base) {
        this.base = base;
    }

    /** The broker as of the records replayed so far, or null. */
    public BrokerRegistration broker(int id) {
        BrokerRegistration broker = changed.get(id);
        return broker != null ? broker : base.broker(id);
    }

    /** The brokers registered, fenced or unfenced by this delta, in their new state. */
    public Map<Integer, BrokerRegistration> changedBrokers() {
        return Collections.unmodifiableMap(changed);
    }

    /** A registration replaces any earlier incarnation and starts fenced; the first heartbeat unfences it. */
    void replay(RegisterBrokerRecord record) {
        BrokerRegistration previous = broker(record.getBrokerId());
        if (previous != null && record.getBrokerEpoch() <= previous.epoch()) {
            throw new IllegalStateException("broker " + record.getBrokerId() + " registered with epoch "
                    + record.getBrokerEpoch() + ", not above its previous epoch " + previous.epoch());
        }
        changed.put(record.getBrokerId(), new BrokerRegistration(record.getBrokerId(), record.getBrokerEpoch(),
                record.getHost(), record.getPort(), record.getRack(), true, record.getIncarnationId(),
                record.getDirectoryId(), record.getKafkaPort(), record.getLogStoreId()));
    }

    void replay(FenceBrokerRecord record) {
        setFenced(record.getBrokerId(), record.getBrokerEpoch(), true);
    }

    void replay(UnfenceBrokerRecord record) {
        setFenced(record.getBrokerId(), record.getBrokerEpoch(), false);
    }

    private void setFenced(int brokerId, long brokerEpoch, boolean fenced) {
        BrokerRegistration broker = broker(brokerId);
        if (broker == null) {
            throw new IllegalStateException((fenced ? "fence" : "unfence") + " of unregistered broker " + brokerId);
        }
        if (broker.epoch() != brokerEpoch) {
            throw new IllegalStateException((fenced ? "fence" : "unfence") + " of broker " + brokerId + " epoch "
                    + brokerEpoch + " but its epoch is " + broker.epoch());
        }
        changed.put(brokerId, broker.withFenced(fenced));
    }

    ClusterImage apply() {
        if (changed.isEmpty()) {
            return base;
        }
        TreeMap<Integer, BrokerRegistration> brokers = new TreeMap<>(base.brokers());
        brokers.putAll(changed);
        return new ClusterImage(brokers);
    }
}
