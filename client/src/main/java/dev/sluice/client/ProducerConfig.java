package dev.sluice.client;

/**
 * Producer configuration keys (Kafka's names) and their defaults. Pass them in the map given to
 * {@link Producer#Producer(java.util.Map, Serializer, Serializer)}; values may be strings or numbers.
 */
public final class ProducerConfig {
    /** {@code host:port,host:port}; required. A missing port means 7092. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** {@code 0}, {@code 1} or {@code all} ({@code -1}); default {@code all}. */
    public static final String ACKS = "acks";
    /** Target batch size in bytes per partition; default 16384. */
    public static final String BATCH_SIZE = "batch.size";
    /** How long a batch waits for more records before it is sent; default 5 ms. */
    public static final String LINGER_MS = "linger.ms";
    /** Time budget of one produce request; default 30000. */
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    /** Upper bound from {@code send} to success or failure, retries included; default 120000. */
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    /** Retries of a failed batch (bounded by the delivery timeout anyway); default Integer.MAX_VALUE. */
    public static final String RETRIES = "retries";
    /** Pause before retrying after a retriable error; default 100. */
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    /** Largest produce request (and so largest record) in bytes; default 1048576. */
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    /** Bytes of unsent records the producer holds before {@code send} blocks; default 33554432. */
    public static final String BUFFER_MEMORY = "buffer.memory";
    /** Longest time {@code send} blocks for metadata or buffer space; default 60000. */
    public static final String MAX_BLOCK_MS = "max.block.ms";
    /**
     * Unacknowledged produce requests per broker; default 5. Without idempotence a partition still has one
     * batch in flight at a time (gRPC may reorder calls); with it, up to this many (at most 5).
     */
    public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
    /** Age after which cached metadata is refreshed; default 300000. */
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    /** Batch codec: {@code none}, {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}; default none. */
    public static final String COMPRESSION_TYPE = "compression.type";
    /**
     * Exactly-once delivery per partition: the broker drops retried duplicates and refuses out-of-order
     * batches; default true. Requires {@code acks=all} and {@code max.in.flight.requests.per.connection <= 5};
     * when left at the default it turns itself off if either is set otherwise.
     */
    public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
    /** A name for logs; default {@code producer-N}. */
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

    private ProducerConfig() {
    }
}
