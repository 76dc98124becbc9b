package dev.sluice.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test (EC P-256, valid from a day ago for a day): a certificate authority, and
 * certificates it signs for nodes (with subject alternative names) and clients, written as the PEM files a node or
 * client is configured with. Used by the tests of every module that sets up TLS.
 */
public final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());
    private static final long DAY_MS = 86_400_000L;

    private TestCertificates() {
    }

    /** A self-signed certificate authority named {@code CN=<name>}. */
    public static Authority authority(String name) {
        KeyPair keys = newKeyPair();
        X500Name subject = name("CN=" + name);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Authority(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate authority and its key. */
    public record Authority(X509Certificate certificate, PrivateKey key) {
        /**
         * A certificate for {@code subject} (e.g. {@code CN=node-1,O=Sluice}) usable by a server and a client, with
         * {@code names} (host names or IP literals) as subject alternative names.
         */
        public Issued issue(String subject, String... names) {
            KeyPair keys = newKeyPair();
            try {
                X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                        certificate.getSubjectX500Principal().getEncoded()), name(subject), keys);
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                if (names.length > 0) {
                    List<GeneralName> alternatives = new ArrayList<>();
                    for (String name : names) {
                        alternatives.add(isIpLiteral(name) ? new GeneralName(GeneralName.iPAddress, name)
                                : new GeneralName(GeneralName.dNSName, name));
                    }
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(alternatives.toArray(new GeneralName[0])));
                }
                return new Issued(sign(builder, key), keys.getPrivate());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes this authority's certificate as a PEM bundle to {@code file} (atomically) and returns it. */
        public Path writeCertificate(Path file) {
            writeAtomically(file, pem("CERTIFICATE", encoded(certificate)));
            return file;
        }
    }

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** Writes the certificate and the PKCS#8 key as PEM, each atomically (a rename). */
        public void write(Path certFile, Path keyFile) {
            writeAtomically(certFile, pem("CERTIFICATE", encoded(certificate)));
            writeAtomically(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        }
    }

    /** The name written as in RFC 2253 (most significant last), encoded as openssl's {@code -subj} would. */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        long now = System.currentTimeMillis();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                new Date(now - DAY_MS), new Date(now + DAY_MS), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isIpLiteral(String name) {
        if (!name.matches("[0-9.]+") && !name.contains(":")) {
            return false;
        }
        try {
            InetAddress.getByName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code der} as a PEM block of {@code type} (e.g. CERTIFICATE, PRIVATE KEY). */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
