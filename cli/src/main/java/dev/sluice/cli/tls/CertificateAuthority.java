package dev.sluice.cli.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for setting Sluice's TLS up without openssl ({@code sluice cert}): a self-signed CA
 * certificate, and node or client certificates it signs, all with EC P-256 keys and SHA-256 signatures, as the
 * openssl commands of docs/security.md make them. Time and randomness come in through the constructor. Not a PKI: no
 * revocation, no intermediate CAs. Immutable; any thread.
 */
public final class CertificateAuthority {
    /** A DNS name (labels of letters, digits and '-', or a leading '*' label) as a subject alternative name. */
    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern DNS_NAME = Pattern.compile("^(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*$");
    private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$");

    private final IssuedCertificate authority;
    private final Clock clock;
    private final SecureRandom random;

    public CertificateAuthority(IssuedCertificate authority, Clock clock, SecureRandom random) {
        this.authority = authority;
        this.clock = clock;
        this.random = random;
    }

    /** A new self-signed CA named {@code subject} (e.g. {@code CN=Sluice CA}), valid for {@code validity}. */
    public static CertificateAuthority create(String subject, Duration validity, Clock clock, SecureRandom random) {
        KeyPair keys = newKeyPair(random);
        X500Name name = name(subject);
        try {
            X509v3CertificateBuilder builder = builder(name, name, keys, validity, clock, random);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(builder, keys.getPrivate());
            return new CertificateAuthority(new IssuedCertificate(certificate, keys.getPrivate()), clock, random);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a CA certificate", e);
        }
    }

    public IssuedCertificate certificate() {
        return authority;
    }

    /**
     * A certificate for {@code subject} signed by this CA, with {@code names} (host names, {@code *.} wildcards or IP
     * literals) as subject alternative names. {@code server}: usable by a listener as well as a client (a node); else
     * a client certificate only.
     *
     * @throws IllegalArgumentException for a malformed subject or name, naming it
     */
    public IssuedCertificate issue(String subject, List<String> names, boolean server, Duration validity) {
        X500Name name = name(subject);
        List<GeneralName> alternatives = new ArrayList<>();
        for (String host : names) {
            alternatives.add(alternativeName(host));
        }
        KeyPair keys = newKeyPair(random);
        try {
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                    authority.certificate().getSubjectX500Principal().getEncoded()), name, keys, validity, clock,
                    random);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(server
                    ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                    : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(authority.certificate()));
            if (!alternatives.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternatives.toArray(new GeneralName[0])));
            }
            return new IssuedCertificate(sign(builder, authority.key()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    private static GeneralName alternativeName(String host) {
        if (IP_LITERAL.matcher(host).matches()) {
            try {
                // A literal: parsed without any lookup.
                return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
            }
        }
        if (!DNS_NAME.matcher(host).matches() || host.length() > 253) {
            throw new IllegalArgumentException("'" + host + "' is neither a host name nor an IP address");
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private static X500Name name(String subject) {
        try {
            return X500Name.getInstance(new X500Principal(subject).getEncoded());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + subject + "' is not a distinguished name such as "
                    + "CN=orders,O=Payments: " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys,
                                                    Duration validity, Clock clock, SecureRandom random) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a certificate must be valid for a positive time, got " + validity);
        }
        Instant now = clock.instant();
        // An hour back, so that a peer whose clock runs a little behind already accepts it.
        Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
        Date notAfter = Date.from(now.plus(validity));
        BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, notBefore, notAfter, subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
        }
    }
}
