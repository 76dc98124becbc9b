package dev.sluice.client;

/** Admin client configuration keys (Kafka's names) and their defaults. */
public final class AdminConfig {
    /** {@code host:port,host:port}; required. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Time budget of one request; default 30000. */
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    /** Time budget of one admin call, retries included; default 60000. */
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    /** Pause before retrying after a retriable error; default 100. */
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    /** A name for logs; default {@code admin-N}. */
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

    private AdminConfig() {
    }
}
