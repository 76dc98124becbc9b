package dev.sluice.security.scram;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM mechanisms Sluice offers (RFC 5802 with the hashes of RFC 7677 and Kafka's SCRAM-SHA-512), with the
 * primitives of RFC 5802 section 2.2: HMAC, H and Hi. Stateless; any thread.
 */
public enum ScramMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256", "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512("SCRAM-SHA-512", "SHA-512", "HmacSHA512");

    /** RFC 7677 recommends at least 4096; Kafka refuses fewer as well. */
    public static final int MIN_ITERATIONS = 4096;

    private final String mechanismName;
    private final String hashAlgorithm;
    private final String macAlgorithm;

    ScramMechanism(String mechanismName, String hashAlgorithm, String macAlgorithm) {
        this.mechanismName = mechanismName;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
    }

    /** The SASL name, as clients send it ({@code SCRAM-SHA-256}). */
    public String mechanismName() {
        return mechanismName;
    }

    public static Optional<ScramMechanism> forName(String name) {
        return Arrays.stream(values()).filter(m -> m.mechanismName.equalsIgnoreCase(name)).findFirst();
    }

    byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(macAlgorithm + " is not available in this JVM", e);
        }
    }

    byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance(hashAlgorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(hashAlgorithm + " is not available in this JVM", e);
        }
    }

    /** Hi(str, salt, i) of RFC 5802: PBKDF2 with this HMAC, one block. */
    byte[] hi(byte[] password, byte[] salt, int iterations) {
        byte[] first = new byte[salt.length + 4];
        System.arraycopy(salt, 0, first, 0, salt.length);
        first[first.length - 1] = 1;
        byte[] u = hmac(password, first);
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = hmac(password, u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
