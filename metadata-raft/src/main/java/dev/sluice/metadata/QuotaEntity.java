package dev.sluice.metadata;

import java.util.Comparator;
import java.util.Objects;

/**
 * Who a client quota applies to (Kafka's quota entity types {@code users} and {@code clients}): a user name (the
 * principal without {@code User:}), a client id, or both; null means the entity does not name that part, and
 * {@link #DEFAULT} names the default entity of its kind. Immutable.
 */
public record QuotaEntity(String user, String clientId) implements Comparable<QuotaEntity> {
    /** The name of a default entity, as Kafka stores it. */
    public static final String DEFAULT = "<default>";

    private static final Comparator<String> NAMES = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<QuotaEntity> ORDER = Comparator
            .comparing((QuotaEntity e) -> e.user, NAMES).thenComparing(e -> e.clientId, NAMES);

    /** @throws IllegalArgumentException with neither part, or with an empty part */
    public QuotaEntity {
        if (user == null && clientId == null) {
            throw new IllegalArgumentException("a quota entity names a user, a client id or both");
        }
        if (Objects.equals(user, "") || Objects.equals(clientId, "")) {
            throw new IllegalArgumentException("a quota entity's user and client id may not be empty");
        }
    }

    public static QuotaEntity user(String user) {
        return new QuotaEntity(user, null);
    }

    public static QuotaEntity client(String clientId) {
        return new QuotaEntity(null, clientId);
    }

    @Override
    public int compareTo(QuotaEntity other) {
        return ORDER.compare(this, other);
    }

    /** As Kafka's kafka-configs prints it: {@code user=alice,client-id=<default>}. */
    @Override
    public String toString() {
        return (user == null ? "" : "user=" + user) + (user != null && clientId != null ? "," : "")
                + (clientId == null ? "" : "client-id=" + clientId);
    }
}
