package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.ClientQuotaRecord;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Client quota changes on top of a {@link QuotasImage}. A record sets or removes one key of one entity; an unknown
 * key, a malformed entity or removing a key that is not set breaks the log's invariant (the controller writes none
 * of them) and throws {@link IllegalStateException}. Mutable; owned by the thread replaying records.
 */
public final class QuotasDelta {
    private final QuotasImage base;
    private Map<QuotaEntity, Map<QuotaKey, Double>> entries;

    QuotasDelta(QuotasImage base) {
        this.base = base;
    }

    /** Whether any quota was set or removed. */
    public boolean changed() {
        return entries != null;
    }

    void replay(ClientQuotaRecord record) {
        QuotaEntity entity;
        try {
            entity = QuotaProtos.toModel(record.getEntity());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("malformed quota entity in the metadata log: " + e.getMessage(), e);
        }
        QuotaKey key = QuotaKey.of(record.getKey()).orElseThrow(
                () -> new IllegalStateException("unknown quota key in the metadata log: " + record.getKey()));
        if (record.hasValue()) {
            String invalid = key.invalidValue(record.getValue());
            if (invalid != null) {
                throw new IllegalStateException("invalid quota in the metadata log: " + invalid);
            }
            mutable().computeIfAbsent(entity, e -> new EnumMap<>(QuotaKey.class)).put(key, record.getValue());
            return;
        }
        Map<QuotaKey, Double> values = mutable().get(entity);
        if (values == null || values.remove(key) == null) {
            throw new IllegalStateException("quota record removes " + key.keyName() + " of " + entity
                    + ", which is not set");
        }
        if (values.isEmpty()) {
            entries.remove(entity);
        }
    }

    private Map<QuotaEntity, Map<QuotaKey, Double>> mutable() {
        if (entries == null) {
            entries = new TreeMap<>();
            base.entries().forEach((entity, values) -> entries.put(entity, new EnumMap<>(values)));
        }
        return entries;
    }

    QuotasImage apply() {
        return entries == null ? base : new QuotasImage(entries);
    }
}
