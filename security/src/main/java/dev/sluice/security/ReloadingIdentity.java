package dev.sluice.security;

import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This side's certificate chain and private key, read from PEM files and read again when the files change, so a
 * rotated certificate is presented on new connections without a restart (connections already open keep the
 * certificate of their handshake).
 *
 * <p>The files are looked at on use, during a handshake, at most once per {@code checkIntervalMs} of the injected
 * clock: no thread of its own. A change that does not load (a half-written file, a key that does not match the
 * certificate, as between writing the new certificate and the new key) is logged and the previous pair is kept; the
 * next check tries again.
 *
 * <p>A handshake asks for an alias first and for the chain and the key of that alias later; the alias names the
 * generation of the pair, so a reload between the two calls cannot pair one generation's chain with another's key.
 * Thread-safe: handshakes run on many threads; a reload is serialized, readers take no lock.
 */
public final class ReloadingIdentity extends X509ExtendedKeyManager {
    private static final Logger log = LoggerFactory.getLogger(ReloadingIdentity.class);
    private static final String ALIAS_PREFIX = "sluice-";

    private final Path certFile;
    private final Path keyFile;
    private final Clock clock;
    private final long checkIntervalMs;
    private volatile Identity current;
    /** The generation before {@link #current}, for a handshake that chose its alias just before a reload. */
    private volatile Identity previous;
    private volatile long nextCheckMs;

    private record Identity(long generation, FileStamp stamp, X509Certificate[] chain, PrivateKey key) {
        String alias() {
            return ALIAS_PREFIX + generation;
        }
    }

    /** Reads the files now; a file that cannot be used is a {@link TlsConfigException}. */
    public ReloadingIdentity(Path certFile, Path keyFile, Clock clock, long checkIntervalMs) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.clock = clock;
        this.checkIntervalMs = checkIntervalMs;
        this.current = load(1);
        this.nextCheckMs = clock.millis() + checkIntervalMs;
    }

    private Identity load(long generation) {
        FileStamp stamp = FileStamp.of(certFile, keyFile);
        List<X509Certificate> chain = PemFiles.readCertificates(certFile);
        PrivateKey key = PemFiles.readPrivateKey(keyFile);
        PemFiles.checkKeyMatches(certFile, chain.get(0), keyFile, key);
        return new Identity(generation, stamp, chain.toArray(new X509Certificate[0]), key);
    }

    /** The pair in use, after reading the files again if they changed and a check is due. */
    private Identity identity() {
        if (clock.millis() >= nextCheckMs) {
            maybeReload();
        }
        return current;
    }

    private synchronized void maybeReload() {
        long now = clock.millis();
        if (now < nextCheckMs) {
            return;
        }
        nextCheckMs = now + checkIntervalMs;
        Identity old = current;
        if (FileStamp.of(certFile, keyFile).equals(old.stamp())) {
            return;
        }
        try {
            Identity loaded = load(old.generation() + 1);
            previous = old;
            current = loaded;
            log.info("Loaded the new certificate {} ({}, valid until {}) from {}",
                    loaded.chain()[0].getSerialNumber().toString(16),
                    loaded.chain()[0].getSubjectX500Principal().getName(), loaded.chain()[0].getNotAfter(), certFile);
        } catch (TlsConfigException e) {
            log.warn("Keeping the current certificate: the changed files do not load yet ({}); trying again in {} ms",
                    e.getMessage(), checkIntervalMs);
        }
    }

    /** The leaf certificate in use now (after a due check), for logs and tests. */
    public X509Certificate certificate() {
        return identity().chain()[0];
    }

    private Identity byAlias(String alias) {
        Identity now = current;
        if (now.alias().equals(alias)) {
            return now;
        }
        Identity before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {identity().alias()};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return identity().alias();
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return identity().alias();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {identity().alias()};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matchingServerAlias(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matchingServerAlias(keyType);
    }

    /** The JDK asks once per key type it could use; answering only for the key's own type keeps its choice right. */
    private String matchingServerAlias(String keyType) {
        Identity identity = identity();
        String algorithm = identity.key().getAlgorithm();
        boolean matches = keyType == null || keyType.equals(algorithm)
                || (keyType.startsWith("EC") && algorithm.equals("EC"))
                || (keyType.equals("EdDSA") && algorithm.equals("Ed25519"));
        return matches ? identity.alias() : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity identity = byAlias(alias);
        return identity == null ? null : identity.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity identity = byAlias(alias);
        return identity == null ? null : identity.key();
    }
}
