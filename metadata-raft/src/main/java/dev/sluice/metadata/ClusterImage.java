package dev.sluice.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The registered brokers, by id (sorted). Immutable; any thread.
 */
public record ClusterImage(SortedMap<Integer, BrokerRegistration> brokers) {
    public static final ClusterImage EMPTY = new ClusterImage(new TreeMap<>());

    public ClusterImage {
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        for (Map.Entry<Integer, BrokerRegistration> entry : brokers.entrySet()) {
            if (entry.getKey() != entry.getValue().id()) {
                throw new IllegalStateException("broker " + entry.getValue().id() + " filed under " + entry.getKey());
            }
        }
    }

    /** The broker with this id, or null. */
    public BrokerRegistration broker(int id) {
        return brokers.get(id);
    }

    public boolean isUnfenced(int id) {
        BrokerRegistration broker = brokers.get(id);
        return broker != null && !broker.fenced();
    }

    /** The unfenced brokers, sorted by id. */
    public List<BrokerRegistration> unfencedBrokers() {
        List<BrokerRegistration> unfenced = new ArrayList<>();
        for (BrokerRegistration broker : brokers.values()) {
            if (!broker.fenced()) {
                unfenced.add(broker);
            }
        }
        return unfenced;
    }

    /** Writes a registration per broker, then an unfence for each unfenced one (a registration starts fenced). */
    public void write(ImageWriter writer) {
        for (BrokerRegistration broker : brokers.values()) {
            writer.write(MetadataRecords.registerBroker(broker));
            if (!broker.fenced()) {
                writer.write(MetadataRecords.unfenceBroker(broker.id(), broker.epoch()));
            }
        }
    }
}
