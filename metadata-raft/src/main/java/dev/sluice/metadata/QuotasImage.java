package dev.sluice.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The client quotas: entity to key to value. Quotas are few and change rarely, so each change copies the map.
 * Immutable; any thread.
 */
public record QuotasImage(Map<QuotaEntity, Map<QuotaKey, Double>> entries) {
    public static final QuotasImage EMPTY = new QuotasImage(Map.of());

    public QuotasImage {
        Objects.requireNonNull(entries, "entries");
        TreeMap<QuotaEntity, Map<QuotaKey, Double>> copy = new TreeMap<>();
        entries.forEach((entity, values) -> {
            if (values.isEmpty()) {
                throw new IllegalStateException("quota entity " + entity + " without values in the image");
            }
            copy.put(entity, Collections.unmodifiableMap(new java.util.EnumMap<>(values)));
        });
        entries = Collections.unmodifiableMap(copy);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The value of {@code key} set on exactly {@code entity}, or null. */
    public Double value(QuotaEntity entity, QuotaKey key) {
        Map<QuotaKey, Double> values = entries.get(entity);
        return values == null ? null : values.get(key);
    }

    public void write(ImageWriter writer) {
        entries.forEach((entity, values) -> values.forEach(
                (key, value) -> writer.write(MetadataRecords.clientQuota(entity, key.keyName(), value))));
    }
}
