package dev.sluice.controller;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.metadata.QuotaProtos;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.AlterClientQuotasRequest;
import dev.sluice.proto.v1.AlterClientQuotasResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.QuotaAlteration;
import dev.sluice.proto.v1.QuotaAlterationResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's client quota decisions, pure: which quota records an alter request commits. Each alteration is
 * all or nothing: a malformed entity, an unknown key, a value out of range or a key both set and removed refuses the
 * whole alteration with {@code INVALID_QUOTA} and writes none of its records. Removing a key that is not set is
 * ignored (as Kafka does). Alterations apply in order, each seeing the ones before it. Who may alter quotas is checked
 * by the broker that forwards the request. Stateless; the controller's thread.
 */
final class QuotaControl {
    ControllerResult<AlterClientQuotasResponse> alter(MetadataImage image, AlterClientQuotasRequest request) {
        Map<QuotaEntity, Map<QuotaKey, Double>> present = new HashMap<>();
        image.quotas().entries().forEach((entity, values) -> present.put(entity, new EnumMap<>(values)));
        List<MetadataRecord> records = new ArrayList<>();
        AlterClientQuotasResponse.Builder response = AlterClientQuotasResponse.newBuilder();
        for (QuotaAlteration alteration : request.getAlterationsList()) {
            QuotaAlterationResult.Builder result = QuotaAlterationResult.newBuilder()
                    .setEntity(alteration.getEntity());
            List<MetadataRecord> alterationRecords = new ArrayList<>();
            String invalid = records(alteration, present, alterationRecords);
            if (invalid != null) {
                response.addResults(result.setError(ErrorCode.INVALID_QUOTA).setErrorMessage(invalid));
                continue;
            }
            if (!request.getValidateOnly()) {
                records.addAll(alterationRecords);
            }
            response.addResults(result.setError(ErrorCode.NONE));
        }
        return new ControllerResult<>(records, response.build());
    }

    /**
     * Adds the records of {@code alteration} to {@code records} and applies them to {@code present}; returns why
     * the alteration is refused instead (then neither changes).
     */
    private static String records(QuotaAlteration alteration, Map<QuotaEntity, Map<QuotaKey, Double>> present,
                                  List<MetadataRecord> records) {
        QuotaEntity entity;
        try {
            entity = QuotaProtos.toModel(alteration.getEntity());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        Map<QuotaKey, Double> sets = new EnumMap<>(QuotaKey.class);
        for (Map.Entry<String, Double> set : alteration.getSetMap().entrySet()) {
            QuotaKey key = QuotaKey.of(set.getKey()).orElse(null);
            if (key == null) {
                return unknownKey(set.getKey());
            }
            String invalid = key.invalidValue(set.getValue());
            if (invalid != null) {
                return invalid;
            }
            sets.put(key, set.getValue());
        }
        List<QuotaKey> removals = new ArrayList<>();
        for (String name : alteration.getRemoveList()) {
            QuotaKey key = QuotaKey.of(name).orElse(null);
            if (key == null) {
                return unknownKey(name);
            }
            if (sets.containsKey(key)) {
                return name + " is both set and removed";
            }
            removals.add(key);
        }
        Map<QuotaKey, Double> values = present.computeIfAbsent(entity, e -> new EnumMap<>(QuotaKey.class));
        sets.forEach((key, value) -> {
            records.add(MetadataRecords.clientQuota(entity, key.keyName(), value));
            values.put(key, value);
        });
        for (QuotaKey key : removals) {
            if (values.remove(key) != null) {
                records.add(MetadataRecords.clientQuota(entity, key.keyName(), null));
            }
        }
        return null;
    }

    private static String unknownKey(String name) {
        return "unknown quota key '" + name + "' (known: " + String.join(", ",
                java.util.Arrays.stream(QuotaKey.values()).map(QuotaKey::keyName).toList()) + ")";
    }

    /** Every alteration refused with {@code error}: no active controller, or an unknown outcome. */
    static AlterClientQuotasResponse refused(AlterClientQuotasRequest request, ErrorCode error, String message) {
        AlterClientQuotasResponse.Builder response = AlterClientQuotasResponse.newBuilder();
        request.getAlterationsList().forEach(a -> response.addResults(QuotaAlterationResult.newBuilder()
                .setEntity(a.getEntity()).setError(error).setErrorMessage(message)));
        return response.build();
    }
}
