package dev.sluice.broker.quota;

import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.metadata.QuotasImage;
import java.util.List;

/**
 * Which configured quota applies to a client, with Kafka's precedence (KIP-55), first match per key:
 * <ol>
 *   <li>{@code user=U, client-id=C}</li>
 *   <li>{@code user=U, client-id=<default>}</li>
 *   <li>{@code user=U}</li>
 *   <li>{@code user=<default>, client-id=C}</li>
 *   <li>{@code user=<default>, client-id=<default>}</li>
 *   <li>{@code user=<default>}</li>
 *   <li>{@code client-id=C}</li>
 *   <li>{@code client-id=<default>}</li>
 * </ol>
 * The budget is shared by every client that the matched entity covers by name and split where it names a default:
 * {@code user=alice} is one budget for all of alice's client ids, {@code user=<default>} one budget per user. So
 * the {@link Match#sensorKey()} is the matched entity with each {@code <default>} replaced by the client's own name.
 * Pure; any thread.
 */
public final class QuotaResolution {
    /** A client's quota: the configured entity it came from, the value, and whose budget it is measured against. */
    public record Match(QuotaEntity entity, double value, QuotaEntity sensorKey) {
    }

    private QuotaResolution() {
    }

    /**
     * The quota of {@code key} for the client, or null when none applies.
     *
     * @param user     the principal's name without {@code User:} ({@code ANONYMOUS} for an unauthenticated client)
     * @param clientId the client id the client sent; empty when none
     */
    public static Match resolve(QuotasImage quotas, QuotaKey key, String user, String clientId) {
        if (quotas.isEmpty()) {
            return null;
        }
        String d = QuotaEntity.DEFAULT;
        boolean hasClientId = !clientId.isEmpty();
        List<QuotaEntity> candidates = hasClientId
                ? List.of(new QuotaEntity(user, clientId), new QuotaEntity(user, d), QuotaEntity.user(user),
                        new QuotaEntity(d, clientId), new QuotaEntity(d, d), QuotaEntity.user(d),
                        QuotaEntity.client(clientId), QuotaEntity.client(d))
                : List.of(new QuotaEntity(user, d), QuotaEntity.user(user), new QuotaEntity(d, d),
                        QuotaEntity.user(d), QuotaEntity.client(d));
        for (QuotaEntity entity : candidates) {
            Double value = quotas.value(entity, key);
            if (value != null) {
                return new Match(entity, value, sensorKey(entity, user, clientId));
            }
        }
        return null;
    }

    private static QuotaEntity sensorKey(QuotaEntity matched, String user, String clientId) {
        String sensorUser = matched.user() == null ? null : user;
        // An empty client id cannot name an entity; a marker that no real entity uses stands for it.
        String sensorClientId = matched.clientId() == null ? null : clientId.isEmpty() ? "<none>" : clientId;
        return new QuotaEntity(sensorUser, sensorClientId);
    }
}
