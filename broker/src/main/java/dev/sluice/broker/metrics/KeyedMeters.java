package dev.sluice.broker.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A family of meters with one row per key (a consumer group, a group's partition, a followed partition), whose keys
 * come and go with the cluster. Each {@link #update} takes the complete current set: rows for new keys are
 * registered, rows for keys that disappeared are removed from the registry, and the rest get their new values. So a
 * deleted group or a partition this broker stopped following leaves no stale series behind, and the number of
 * series stays bounded by what exists now.
 *
 * <p>A row is {@code width} doubles; the registrar builds the row's meters as functions of that array, which
 * {@code update} overwrites in place, so meters are registered once per key and never per update. Owned by the
 * thread that refreshes the meters before a scrape (see {@link MeterRefresh}); not thread-safe.
 */
public final class KeyedMeters<K> {
    private final MeterRegistry registry;
    private final int width;
    private final Registrar<K> registrar;
    private final Map<K, Row> rows = new HashMap<>();

    /** Registers the meters of one key's row; they read their values from {@code row} when scraped. */
    @FunctionalInterface
    public interface Registrar<K> {
        List<Meter> register(K key, double[] row);
    }

    private record Row(double[] values, List<Meter> meters) {
    }

    public KeyedMeters(MeterRegistry registry, int width, Registrar<K> registrar) {
        this.registry = registry;
        this.width = width;
        this.registrar = registrar;
    }

    /** Makes the rows exactly {@code current}: each value array must hold {@code width} values. */
    public void update(Map<K, double[]> current) {
        for (Iterator<Map.Entry<K, Row>> it = rows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<K, Row> entry = it.next();
            if (!current.containsKey(entry.getKey())) {
                entry.getValue().meters().forEach(registry::remove);
                it.remove();
            }
        }
        current.forEach((key, values) -> {
            if (values.length != width) {
                throw new IllegalArgumentException(
                    "expected " + width + " values for " + key + ", got " + values.length);
            }
            Row row = rows.computeIfAbsent(key, newKey -> {
                double[] fresh = new double[width];
                return new Row(fresh, registrar.register(newKey, fresh));
            });
            System.arraycopy(values, 0, row.values(), 0, width);
        });
    }

    /** Removes every row's meters, as when the component that fed them stops. */
    public void clear() {
        update(Map.of());
    }

    public int size() {
        return rows.size();
    }
}
