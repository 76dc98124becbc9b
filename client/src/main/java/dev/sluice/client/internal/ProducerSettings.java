package dev.sluice.client.internal;

import static dev.sluice.client.ProducerConfig.*;

import dev.sluice.wire.BatchCompression;
import dev.sluice.security.TlsSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validated producer configuration. Immutable.
 *
 * @param bootstrapServers {@code host:port} addresses
 * @param acks 0, 1 or -1
 * @param batchSizeBytes target batch size
 * @param lingerMs batch linger time
 * @param requestTimeoutMs time budget of one request
 * @param deliveryTimeoutMs time budget from send to completion
 * @param retries retry limit per batch
 * @param retryBackoffMs pause before a retry
 * @param maxRequestSizeBytes largest request
 * @param bufferMemoryBytes bytes of unsent records held before send blocks
 * @param maxBlockMs longest time send blocks
 * @param maxInFlightPerBroker unacknowledged requests per broker
 * @param metadataMaxAgeMs metadata refresh age
 * @param clientId client name for logs
 * @param tls TLS to the brokers ({@code tls.*} keys)
 * @param codec batch compression
 * @param idempotent whether batches carry a producer id and sequence numbers
 */
public record ProducerSettings(List<String> bootstrapServers, int acks, int batchSizeBytes, long lingerMs,
                               int requestTimeoutMs, long deliveryTimeoutMs, int retries, long retryBackoffMs,
                               int maxRequestSizeBytes, long bufferMemoryBytes, long maxBlockMs,
                               int maxInFlightPerBroker, long metadataMaxAgeMs, String clientId,
                               dev.sluice.proto.v1.Codec codec, boolean idempotent, TlsSettings tls,
                               ClientSasl sasl) {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Set<String> KEYS = Set.of(BOOTSTRAP_SERVERS, ACKS, BATCH_SIZE, LINGER_MS,
            REQUEST_TIMEOUT_MS, DELIVERY_TIMEOUT_MS, RETRIES, RETRY_BACKOFF_MS, MAX_REQUEST_SIZE, BUFFER_MEMORY,
            MAX_BLOCK_MS, MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, METADATA_MAX_AGE_MS, CLIENT_ID, COMPRESSION_TYPE,
            ENABLE_IDEMPOTENCE);

    /** Parses and validates; throws {@link IllegalArgumentException} on any bad value. */
    public static ProducerSettings from(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(config, ClientTls.withTlsKeys(withSaslKeys(KEYS)));
        String acksText = reader.choice(ACKS, "all", Set.of("0", "1", "all", "-1"));
        int acks = switch (acksText) {
            case "0" -> 0;
            case "1" -> 1;
            default -> -1;
        };
        int batchSize = reader.intValue(BATCH_SIZE, 16384, 0, Integer.MAX_VALUE);
        long linger = reader.longValue(LINGER_MS, 5, 0, Integer.MAX_VALUE);
        int requestTimeout = reader.intValue(REQUEST_TIMEOUT_MS, 30000, 1, Integer.MAX_VALUE);
        long deliveryTimeout = reader.longValue(DELIVERY_TIMEOUT_MS, 120000, 1, Integer.MAX_VALUE);
        if (reader.contains(DELIVERY_TIMEOUT_MS) && deliveryTimeout < linger + requestTimeout) {
            throw new IllegalArgumentException(DELIVERY_TIMEOUT_MS + " (" + deliveryTimeout + ") must be at least "
                    + LINGER_MS + " + " + REQUEST_TIMEOUT_MS + " (" + (linger + requestTimeout) + ")");
        }
        deliveryTimeout = Math.max(deliveryTimeout, linger + requestTimeout);
        int maxRequestSize = reader.intValue(MAX_REQUEST_SIZE, 1048576, 1024, 64 * 1024 * 1024);
        int maxInFlight = reader.intValue(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5, 1, 1000);
        int retries = reader.intValue(RETRIES, Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        boolean idempotent = idempotence(reader, acks, maxInFlight, retries);
        return new ProducerSettings(
                reader.addresses(BOOTSTRAP_SERVERS), acks, Math.max(batchSize, 1), linger, requestTimeout,
                deliveryTimeout,
                retries,
                reader.longValue(RETRY_BACKOFF_MS, 100, 0, Integer.MAX_VALUE),
                maxRequestSize,
                reader.longValue(BUFFER_MEMORY, 33554432L, 1024, Long.MAX_VALUE),
                reader.longValue(MAX_BLOCK_MS, 60000, 0, Integer.MAX_VALUE),
                maxInFlight,
                reader.longValue(METADATA_MAX_AGE_MS, 300000, 0, Long.MAX_VALUE),
                reader.string(CLIENT_ID, "producer-" + IDS.incrementAndGet()),
                BatchCompression.parse(reader.string(COMPRESSION_TYPE, "none")), idempotent,
                ClientTls.from(reader),
                ClientSasl.from(reader));
    }

    /**
     * As in Kafka: idempotence is on by default but needs acks=all, retries > 0 and at most 5 batches in
     * flight. Asked for explicitly, a conflicting setting is an error; left at the default, it quietly turns
     * idempotence off.
     */
    private static boolean idempotence(ConfigReader reader, int acks, int maxInFlight, int retries) {
        String conflict = acks != -1 ? ACKS + " must be all"
                : maxInFlight > 5 ? MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION + " must be at most 5"
                : retries == 0 ? RETRIES + " must be above 0" : null;
        if (!reader.contains(ENABLE_IDEMPOTENCE)) {
            return conflict == null;
        }
        boolean enabled = reader.choice(ENABLE_IDEMPOTENCE, "true", Set.of("true", "false")).equals("true");
        if (enabled && conflict != null) {
            throw new IllegalArgumentException(ENABLE_IDEMPOTENCE + "=true needs " + conflict);
        }
        return enabled;
    }

    private static java.util.Set<String> withSaslKeys(java.util.Set<String> keys) {
        java.util.Set<String> all = new java.util.HashSet<>(keys);
        all.addAll(ClientSasl.KEYS);
        return java.util.Set.copyOf(all);
    }
}
