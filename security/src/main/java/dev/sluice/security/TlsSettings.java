package dev.sluice.security;

import java.nio.file.Path;
import java.util.List;

/**
 * The TLS settings of one side of a connection: PEM files for this side's certificate chain and private key and for
 * the CA bundle it trusts; for a listener, whether it asks clients for certificates; the protocol versions allowed;
 * how often the files are checked for changes. Immutable.
 *
 * <p>TLS is off in {@link #PLAINTEXT}. A listener needs a certificate and its key; a client needs neither (a CA bundle
 * alone: TLS without a client certificate; no CA bundle: the JDK's default trust store).
 *
 * @param enabled whether connections use TLS at all
 * @param certFile PEM certificate chain, leaf first, or null
 * @param keyFile PEM PKCS#8 private key of the leaf, or null (set exactly when {@code certFile} is)
 * @param caFile PEM bundle of the certificate authorities trusted to sign the other side's certificate, or null
 * @param clientAuth on a listener, whether clients must present certificates; ignored by clients
 * @param protocols TLS versions allowed, {@code TLSv1.3} by default
 * @param reloadCheckIntervalMs the files are looked at again at most this often, on use
 */
public record TlsSettings(boolean enabled, Path certFile, Path keyFile, Path caFile, ClientAuth clientAuth,
                          List<String> protocols, long reloadCheckIntervalMs) {
    private static final List<String> KNOWN_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3");
    public static final long DEFAULT_RELOAD_CHECK_INTERVAL_MS = 10_000;
    public static final TlsSettings PLAINTEXT = new TlsSettings(false, null, null, null, ClientAuth.NONE,
            DEFAULT_PROTOCOLS, DEFAULT_RELOAD_CHECK_INTERVAL_MS);

    public TlsSettings {
        if (!enabled && (certFile != null || caFile != null)) {
            throw new TlsConfigException("TLS files are set but TLS is off");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new TlsConfigException("a certificate and its private key go together: set both or neither");
        }
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty() || !KNOWN_PROTOCOLS.containsAll(protocols)) {
            throw new TlsConfigException("TLS protocols must be among " + KNOWN_PROTOCOLS + ", got " + protocols);
        }
        if (reloadCheckIntervalMs < 0) {
            throw new TlsConfigException("the reload check interval must be at least 0 ms, got "
                    + reloadCheckIntervalMs);
        }
    }

    /** A client's settings: trust {@code caFile} (null: the JDK's), present {@code certFile} if not null. */
    public static TlsSettings client(Path caFile, Path certFile, Path keyFile) {
        return new TlsSettings(true, certFile, keyFile, caFile, ClientAuth.NONE, DEFAULT_PROTOCOLS,
                DEFAULT_RELOAD_CHECK_INTERVAL_MS);
    }

    /** Whether this side presents a certificate. */
    public boolean hasIdentity() {
        return certFile != null;
    }

    /** Refuses settings a listener cannot serve with: no certificate, or client certificates without a CA. */
    public void checkUsableByListener(String listener) {
        if (!enabled()) {
            return;
        }
        if (certFile == null) {
            throw new TlsConfigException("listener " + listener + ": TLS needs the listener's certificate and key "
                    + "(cert and key files), not only a CA bundle");
        }
        if (clientAuth != ClientAuth.NONE && caFile == null) {
            throw new TlsConfigException("listener " + listener + ": client.auth " + clientAuth.name()
                    .toLowerCase(java.util.Locale.ROOT) + " needs the CA bundle that signs client certificates");
        }
    }
}
