package dev.sluice.security;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trusts the certificate authorities of a PEM bundle, read again when the file changes (a CA rotation: add the new
 * CA to the bundle, roll the certificates, then drop the old CA). Verification itself is the JDK's PKIX trust
 * manager's, with host name checks when the engine asks for them (gRPC clients do).
 *
 * <p>Like {@link ReloadingIdentity}, the file is looked at on use, at most once per {@code checkIntervalMs} of the
 * injected clock; a change that does not load is logged and the previous bundle kept.
 *
 * <p>On a listener, a refused client certificate is logged at WARN with its subject, issuer and the client's address
 * (once per subject, issuer and reason, for the first {@value #MAX_LOGGED_REFUSALS} distinct ones: a misconfigured
 * client retries many times a second). Thread-safe.
 */
public final class ReloadingTrust extends X509ExtendedTrustManager {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTrust.class);

    private static final int MAX_LOGGED_REFUSALS = 1000;

    private final Set<String> loggedRefusals = ConcurrentHashMap.newKeySet();
    private final Path caFile;
    private final Clock clock;
    private final long checkIntervalMs;
    private volatile Trust current;
    private volatile long nextCheckMs;

    private record Trust(FileStamp stamp, X509ExtendedTrustManager delegate) {
    }

    /** Reads the bundle now; a file that cannot be used is a {@link TlsConfigException}. */
    public ReloadingTrust(Path caFile, Clock clock, long checkIntervalMs) {
        this.caFile = caFile;
        this.clock = clock;
        this.checkIntervalMs = checkIntervalMs;
        this.current = load();
        this.nextCheckMs = clock.millis() + checkIntervalMs;
    }

    private Trust load() {
        FileStamp stamp = FileStamp.of(caFile);
        List<X509Certificate> authorities = PemFiles.readCertificates(caFile);
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return new Trust(stamp, extended);
                }
            }
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException(caFile + ": the CA bundle cannot be used (" + e.getMessage() + ")", e);
        }
        throw new TlsConfigException("no X509 trust manager in this JDK");
    }

    private X509ExtendedTrustManager delegate() {
        if (clock.millis() >= nextCheckMs) {
            maybeReload();
        }
        return current.delegate();
    }

    private synchronized void maybeReload() {
        long now = clock.millis();
        if (now < nextCheckMs) {
            return;
        }
        nextCheckMs = now + checkIntervalMs;
        if (FileStamp.of(caFile).equals(current.stamp())) {
            return;
        }
        try {
            current = load();
            log.info("Loaded the changed CA bundle {}", caFile);
        } catch (TlsConfigException e) {
            log.warn("Keeping the current CA bundle: the changed file does not load yet ({}); trying again in {} ms",
                    e.getMessage(), checkIntervalMs);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate().checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            logRefusal(chain, socket == null ? null : String.valueOf(socket.getRemoteSocketAddress()), e);
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate().checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            logRefusal(chain, engine == null || engine.getPeerHost() == null ? null
                    : engine.getPeerHost() + ":" + engine.getPeerPort(), e);
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate().checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            logRefusal(chain, null, e);
            throw e;
        }
    }

    private void logRefusal(X509Certificate[] chain, String peer, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return;
        }
        String subject = chain[0].getSubjectX500Principal().getName();
        String issuer = chain[0].getIssuerX500Principal().getName();
        if (loggedRefusals.size() < MAX_LOGGED_REFUSALS
                && loggedRefusals.add(subject + "|" + issuer + "|" + e.getMessage())) {
            log.warn("Refusing the client certificate '{}' (issued by '{}') from {}: {}; trusted CAs are those of {} "
                    + "(logged once per certificate and reason)", subject, issuer, peer == null ? "a client" : peer,
                    e.getMessage(), caFile);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate().checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate().getAcceptedIssuers();
    }
}
