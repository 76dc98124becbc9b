package dev.sluice.client.internal;

import static dev.sluice.client.AdminConfig.*;

import dev.sluice.security.TlsSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validated admin configuration. Immutable.
 *
 * @param bootstrapServers {@code host:port} addresses
 * @param requestTimeoutMs time budget of one request
 * @param defaultApiTimeoutMs time budget of one call, retries included
 * @param retryBackoffMs pause before a retry
 * @param clientId client name for logs
 * @param tls TLS to the brokers ({@code tls.*} keys)
 */
public record AdminSettings(List<String> bootstrapServers, int requestTimeoutMs, long defaultApiTimeoutMs,
                            long retryBackoffMs, String clientId, TlsSettings tls,
                               ClientSasl sasl) {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Set<String> KEYS = Set.of(BOOTSTRAP_SERVERS, REQUEST_TIMEOUT_MS, DEFAULT_API_TIMEOUT_MS,
            RETRY_BACKOFF_MS, CLIENT_ID);

    /** Parses and validates; throws {@link IllegalArgumentException} on any bad value. */
    public static AdminSettings from(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(config, ClientTls.withTlsKeys(withSaslKeys(KEYS)));
        return new AdminSettings(reader.addresses(BOOTSTRAP_SERVERS),
                reader.intValue(REQUEST_TIMEOUT_MS, 30000, 1, Integer.MAX_VALUE),
                reader.longValue(DEFAULT_API_TIMEOUT_MS, 60000, 1, Integer.MAX_VALUE),
                reader.longValue(RETRY_BACKOFF_MS, 100, 0, Integer.MAX_VALUE),
                reader.string(CLIENT_ID, "admin-" + IDS.incrementAndGet()), ClientTls.from(reader),
                ClientSasl.from(reader));
    }

    private static java.util.Set<String> withSaslKeys(java.util.Set<String> keys) {
        java.util.Set<String> all = new java.util.HashSet<>(keys);
        all.addAll(ClientSasl.KEYS);
        return java.util.Set.copyOf(all);
    }
}
