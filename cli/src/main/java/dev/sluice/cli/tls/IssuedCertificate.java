package dev.sluice.cli.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A certificate and its private key, with their PEM forms as Sluice reads them: the certificate as
 * {@code CERTIFICATE}, the key unencrypted PKCS#8 ({@code PRIVATE KEY}, what {@code openssl genpkey} writes).
 * Immutable.
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate just made cannot be encoded", e);
        }
    }

    public String keyPem() {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
