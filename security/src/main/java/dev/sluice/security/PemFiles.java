package dev.sluice.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: certificate chains and bundles ({@code BEGIN CERTIFICATE} blocks) and unencrypted PKCS#8 private
 * keys ({@code BEGIN PRIVATE KEY}: RSA, EC or Ed25519, what {@code openssl genpkey} writes). Anything else is a
 * {@link TlsConfigException} naming the file and, for other key formats, the {@code openssl} command that converts
 * them. Stateless; any thread.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "EdDSA", "RSASSA-PSS"};

    private PemFiles() {
    }

    /** Every certificate of {@code file}, in file order (a chain: the leaf first). At least one. */
    public static List<X509Certificate> readCertificates(Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.type().equals("CERTIFICATE")) {
                    for (Certificate certificate : factory.generateCertificates(
                            new ByteArrayInputStream(block.der()))) {
                        certificates.add((X509Certificate) certificate);
                    }
                }
            }
        } catch (CertificateException e) {
            throw new TlsConfigException(file + ": not a valid PEM certificate (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new TlsConfigException(file + ": no '-----BEGIN CERTIFICATE-----' block");
        }
        return List.copyOf(certificates);
    }

    /** The one private key of {@code file}. */
    public static PrivateKey readPrivateKey(Path file) {
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY":
                    return pkcs8(file, block.der());
                case "RSA PRIVATE KEY", "EC PRIVATE KEY":
                    throw new TlsConfigException(file + ": a " + block.type() + " (traditional format) is not read; "
                            + "convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out key.pem");
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsConfigException(file + ": the private key is encrypted; store it unencrypted "
                            + "(protect it with file permissions): openssl pkcs8 -topk8 -nocrypt -in " + file
                            + " -out key.pem");
                default:
                    break;
            }
        }
        throw new TlsConfigException(file + ": no '-----BEGIN PRIVATE KEY-----' block");
    }

    /**
     * Refuses a key that does not belong to the chain's first certificate: a rotation caught between writing the
     * new certificate and the new key, or two files mixed up. Checked by signing and verifying a fixed text.
     */
    public static void checkKeyMatches(Path certFile, X509Certificate leaf, Path keyFile, PrivateKey key) {
        byte[] text = "sluice key check".getBytes(StandardCharsets.US_ASCII);
        try {
            String algorithm = signatureAlgorithm(key);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(text);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(text);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException("the private key " + keyFile + " does not belong to the certificate "
                    + certFile + " (" + e.getMessage() + ")", e);
        }
        throw new TlsConfigException("the private key " + keyFile + " does not belong to the certificate "
                + certFile + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm();  // Ed25519, EdDSA: the key's algorithm is its signature algorithm
        };
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                continue;  // not this algorithm: try the next
            }
        }
        throw new TlsConfigException(file + ": the PKCS#8 private key is not RSA, EC or Ed25519");
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsConfigException(file + ": cannot be read (" + e + ")", e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException(file + ": a " + matcher.group(1) + " block is not valid base64", e);
            }
        }
        return blocks;
    }
}
