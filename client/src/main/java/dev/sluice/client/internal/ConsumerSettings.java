package dev.sluice.client.internal;

import static dev.sluice.client.ConsumerConfig.*;

import dev.sluice.security.TlsSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validated consumer configuration. Immutable.
 *
 * @param bootstrapServers {@code host:port} addresses
 * @param groupId the group, or null
 * @param autoOffsetReset earliest, latest or none
 * @param maxPollRecords most records per poll
 * @param fetchMaxBytes byte limit of a fetch response
 * @param maxPartitionFetchBytes byte limit per partition in a fetch
 * @param fetchMinBytes bytes a broker waits for
 * @param fetchMaxWaitMs longest broker wait
 * @param enableAutoCommit periodic commits inside poll and on close
 * @param autoCommitIntervalMs commit period
 * @param requestTimeoutMs time budget of a request
 * @param defaultApiTimeoutMs time budget of a blocking call
 * @param retryBackoffMs pause before a retry
 * @param metadataMaxAgeMs metadata refresh age
 * @param clientId client name for logs
 * @param assignor partition.assignment.strategy
 * @param sessionTimeoutMs group session timeout
 * @param heartbeatIntervalMs background heartbeat period
 * @param maxPollIntervalMs longest gap between polls
 * @param groupInstanceId static member id, or empty
 * @param tls TLS to the brokers ({@code tls.*} keys)
 */
public record ConsumerSettings(List<String> bootstrapServers, String groupId, String autoOffsetReset,
                               int maxPollRecords, int fetchMaxBytes, int maxPartitionFetchBytes, int fetchMinBytes,
                               int fetchMaxWaitMs, boolean enableAutoCommit, long autoCommitIntervalMs,
                               int requestTimeoutMs, long defaultApiTimeoutMs, long retryBackoffMs,
                               long metadataMaxAgeMs, String clientId, String assignor, int sessionTimeoutMs,
                               int heartbeatIntervalMs, int maxPollIntervalMs, String groupInstanceId,
                               TlsSettings tls,
                               ClientSasl sasl) {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Set<String> KEYS = Set.of(BOOTSTRAP_SERVERS, GROUP_ID, AUTO_OFFSET_RESET, MAX_POLL_RECORDS,
            FETCH_MAX_BYTES, MAX_PARTITION_FETCH_BYTES, FETCH_MIN_BYTES, FETCH_MAX_WAIT_MS, ENABLE_AUTO_COMMIT,
            AUTO_COMMIT_INTERVAL_MS, REQUEST_TIMEOUT_MS, DEFAULT_API_TIMEOUT_MS, RETRY_BACKOFF_MS,
            METADATA_MAX_AGE_MS, CLIENT_ID, PARTITION_ASSIGNMENT_STRATEGY, SESSION_TIMEOUT_MS, HEARTBEAT_INTERVAL_MS,
            MAX_POLL_INTERVAL_MS, GROUP_INSTANCE_ID);

    /** Parses and validates; throws {@link IllegalArgumentException} on any bad value. */
    public static ConsumerSettings from(Map<String, ?> config) {
        ConfigReader reader = new ConfigReader(config, ClientTls.withTlsKeys(withSaslKeys(KEYS)));
        String groupId = reader.string(GROUP_ID, null);
        if (groupId != null && groupId.isEmpty()) {
            groupId = null;
        }
        boolean autoCommit = reader.booleanValue(ENABLE_AUTO_COMMIT, groupId != null);
        if (autoCommit && groupId == null) {
            throw new IllegalArgumentException(ENABLE_AUTO_COMMIT + "=true needs a " + GROUP_ID);
        }
        return new ConsumerSettings(
                reader.addresses(BOOTSTRAP_SERVERS), groupId,
                reader.choice(AUTO_OFFSET_RESET, "latest", Set.of("earliest", "latest", "none")),
                reader.intValue(MAX_POLL_RECORDS, 500, 1, Integer.MAX_VALUE),
                reader.intValue(FETCH_MAX_BYTES, 52428800, 1, Integer.MAX_VALUE),
                reader.intValue(MAX_PARTITION_FETCH_BYTES, 1048576, 1, Integer.MAX_VALUE),
                reader.intValue(FETCH_MIN_BYTES, 1, 0, Integer.MAX_VALUE),
                reader.intValue(FETCH_MAX_WAIT_MS, 500, 0, Integer.MAX_VALUE),
                autoCommit,
                reader.longValue(AUTO_COMMIT_INTERVAL_MS, 5000, 0, Integer.MAX_VALUE),
                reader.intValue(REQUEST_TIMEOUT_MS, 30000, 1, Integer.MAX_VALUE),
                reader.longValue(DEFAULT_API_TIMEOUT_MS, 60000, 1, Integer.MAX_VALUE),
                reader.longValue(RETRY_BACKOFF_MS, 100, 0, Integer.MAX_VALUE),
                reader.longValue(METADATA_MAX_AGE_MS, 300000, 0, Long.MAX_VALUE),
                reader.string(CLIENT_ID, "consumer-" + IDS.incrementAndGet()),
                reader.choice(PARTITION_ASSIGNMENT_STRATEGY, "range",
                        Set.of("range", "roundrobin", "sticky", "cooperative-sticky")),
                reader.intValue(SESSION_TIMEOUT_MS, 45000, 1, Integer.MAX_VALUE),
                reader.intValue(HEARTBEAT_INTERVAL_MS, 3000, 1, Integer.MAX_VALUE),
                reader.intValue(MAX_POLL_INTERVAL_MS, 300000, 1, Integer.MAX_VALUE),
                reader.string(GROUP_INSTANCE_ID, ""), ClientTls.from(reader),
                ClientSasl.from(reader));
    }

    private static java.util.Set<String> withSaslKeys(java.util.Set<String> keys) {
        java.util.Set<String> all = new java.util.HashSet<>(keys);
        all.addAll(ClientSasl.KEYS);
        return java.util.Set.copyOf(all);
    }
}
