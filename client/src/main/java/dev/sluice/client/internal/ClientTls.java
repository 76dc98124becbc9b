package dev.sluice.client.internal;

import static dev.sluice.client.AdminConfig.TLS_CA;
import static dev.sluice.client.AdminConfig.TLS_CERT;
import static dev.sluice.client.AdminConfig.TLS_ENABLED;
import static dev.sluice.client.AdminConfig.TLS_KEY;

import dev.sluice.security.TlsSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The TLS keys every client takes ({@code tls.enabled}, {@code tls.ca}, {@code tls.cert}, {@code tls.key}), read
 * into {@link TlsSettings}. The files are read when the client's channels are set up, in its constructor; the
 * certificate and CA bundle are read again when they change (a rotated client certificate needs no restart).
 */
public final class ClientTls {
    private static final Set<String> KEYS = Set.of(TLS_ENABLED, TLS_CA, TLS_CERT, TLS_KEY);

    private ClientTls() {
    }

    /** {@code keys} and the TLS keys. */
    static Set<String> withTlsKeys(Set<String> keys) {
        Set<String> all = new HashSet<>(keys);
        all.addAll(KEYS);
        return Set.copyOf(all);
    }

    /** The settings, {@link TlsSettings#PLAINTEXT} when TLS is off. */
    static TlsSettings from(ConfigReader reader) {
        Path ca = path(reader, TLS_CA);
        Path cert = path(reader, TLS_CERT);
        Path key = path(reader, TLS_KEY);
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException(TLS_CERT + " and " + TLS_KEY + " go together: set both or neither");
        }
        boolean enabled = reader.booleanValue(TLS_ENABLED, ca != null || cert != null);
        if (!enabled) {
            if (ca != null || cert != null) {
                throw new IllegalArgumentException(TLS_ENABLED + "=false contradicts " + (ca != null ? TLS_CA
                        : TLS_CERT) + "; drop one of them");
            }
            return TlsSettings.PLAINTEXT;
        }
        return TlsSettings.client(ca, cert, key);  // no CA bundle: the JDK's trust store
    }

    private static Path path(ConfigReader reader, String key) {
        String value = reader.string(key, "");
        return value.isEmpty() ? null : Path.of(value);
    }
}
