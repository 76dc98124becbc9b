package dev.sluice.metadata;

import dev.sluice.proto.v1.QuotaEntry;

/** Converts client quota entities and entries at the protobuf edge. Stateless; any thread. */
public final class QuotaProtos {
    private QuotaProtos() {
    }

    /** @throws IllegalArgumentException for an entity with neither part or an empty part */
    public static QuotaEntity toModel(dev.sluice.proto.v1.QuotaEntity proto) {
        return new QuotaEntity(proto.hasUser() ? proto.getUser() : null,
                proto.hasClientId() ? proto.getClientId() : null);
    }

    public static dev.sluice.proto.v1.QuotaEntity toProto(QuotaEntity entity) {
        dev.sluice.proto.v1.QuotaEntity.Builder proto = dev.sluice.proto.v1.QuotaEntity.newBuilder();
        if (entity.user() != null) {
            proto.setUser(entity.user());
        }
        if (entity.clientId() != null) {
            proto.setClientId(entity.clientId());
        }
        return proto.build();
    }

    public static QuotaEntry toProto(QuotaEntity entity, java.util.Map<QuotaKey, Double> values) {
        QuotaEntry.Builder entry = QuotaEntry.newBuilder().setEntity(toProto(entity));
        values.forEach((key, value) -> entry.putValues(key.keyName(), value));
        return entry.build();
    }
}
