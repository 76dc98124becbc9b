package dev.sluice.client;

import java.util.Map;

/**
 * The client quotas set on one entity ({@link Admin#describeClientQuotas}).
 *
 * @param user     the user it applies to, {@code "<default>"} for the default user, null when it names no user
 * @param clientId the client id it applies to, {@code "<default>"} for the default, null when it names none
 * @param values   key ({@code producer_byte_rate}, {@code consumer_byte_rate}, {@code request_percentage}) to value
 */
public record ClientQuotaEntry(String user, String clientId, Map<String, Double> values) {
    public ClientQuotaEntry {
        values = Map.copyOf(values);
    }

    /** As Kafka's kafka-configs prints an entity: {@code user=alice,client-id=app}. */
    public String entity() {
        return (user == null ? "" : "user=" + user) + (user != null && clientId != null ? "," : "")
                + (clientId == null ? "" : "client-id=" + clientId);
    }
}
