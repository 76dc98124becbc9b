package dev.sluice.security;

import java.util.Locale;

/** Whether a TLS listener asks its clients for a certificate ({@code client.auth}; Kafka: {@code ssl.client.auth}). */
public enum ClientAuth {
    /** No client certificate is asked for; every client is {@link Principals#ANONYMOUS}. */
    NONE,
    /** A certificate is asked for; a client without one is let in as {@link Principals#ANONYMOUS}. */
    REQUESTED,
    /** A client without a certificate signed by a trusted CA is refused in the handshake (mTLS). */
    REQUIRED;

    /** Parses {@code none}, {@code requested} or {@code required} (any case). */
    public static ClientAuth parse(String key, String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(key + " must be none, requested or required, got '" + text + "'");
        }
    }
}
