package dev.sluice.client;

/**
 * Consumer configuration keys (Kafka's names) and their defaults. Pass them in the map given to
 * {@link Consumer#Consumer(java.util.Map, Deserializer, Deserializer)}.
 */
public final class ConsumerConfig {
    /** {@code host:port,host:port}; required. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** The consumer group; optional. Without it there are no commits. */
    public static final String GROUP_ID = "group.id";
    /** {@code earliest}, {@code latest} or {@code none}; default {@code latest}. */
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    /** Most records one poll returns; default 500. */
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    /** Byte limit of one fetch response; default 52428800. */
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    /** Byte limit per partition in one fetch; default 1048576. */
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
    /** Bytes a broker waits for before answering a fetch; default 1. */
    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    /** Longest time a broker holds a fetch waiting for {@code fetch.min.bytes}; default 500. */
    public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
    /** Commit positions periodically inside poll and on close; default true with a group id. */
    public static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
    /** Period of automatic commits; default 5000. */
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    /** Time budget of one request; default 30000. */
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    /** Time budget of blocking calls such as commitSync and committed; default 60000. */
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    /** Pause before retrying after a retriable error; default 100. */
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    /** Age after which cached metadata is refreshed (and new partitions picked up); default 300000. */
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    /** {@code range} (default), {@code roundrobin}, {@code sticky} or {@code cooperative-sticky}. */
    public static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";
    /** The coordinator removes a member silent this long; default 45000. */
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    /** Period of the background heartbeat; default 3000. */
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    /** Longest gap between polls before the consumer leaves its group (and time to confirm a revocation);
     * default 300000. */
    public static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
    /** Static membership: a restart within the session timeout keeps the assignment; default none. */
    public static final String GROUP_INSTANCE_ID = "group.instance.id";
    /** A name for logs; default {@code consumer-N}. */
    public static final String CLIENT_ID = "client.id";
    /** TLS to the brokers: true or false; default true when {@code tls.ca} or {@code tls.cert} is set. */
    public static final String TLS_ENABLED = "tls.enabled";
    /** PEM bundle of the CAs that sign the brokers' certificates; default: the JDK's trust store. */
    public static final String TLS_CA = "tls.ca";
    /** PEM certificate chain presented to brokers that ask for one (mTLS); with {@code tls.key}. */
    public static final String TLS_CERT = "tls.cert";
    /** PEM (PKCS#8) private key of {@code tls.cert}. */
    public static final String TLS_KEY = "tls.key";
    /** SCRAM-SHA-256 or SCRAM-SHA-512: authenticate to each broker before the first call (docs/security.md). */
    public static final String SASL_MECHANISM = "sasl.mechanism";
    public static final String SASL_USERNAME = "sasl.username";
    /** The password of {@link #SASL_USERNAME}; it never leaves the client (SCRAM sends a proof). */
    public static final String SASL_PASSWORD = "sasl.password";

    private ConsumerConfig() {
    }
}
