package dev.sluice.security.scram;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the cluster keeps of a user's password for one mechanism (RFC 5802 section 3): the salt, the iteration count,
 * StoredKey = H(ClientKey) and ServerKey. The password itself cannot be recovered from it, and StoredKey alone does
 * not let its holder log in (a proof needs ClientKey). Immutable; any thread. {@link #toString()} shows no key.
 */
public record ScramCredential(ScramMechanism mechanism, byte[] salt, int iterations, byte[] storedKey,
                              byte[] serverKey) {
    /** The salt length Sluice makes: 32 random bytes. */
    public static final int SALT_BYTES = 32;

    public ScramCredential {
        Objects.requireNonNull(mechanism, "mechanism");
        if (salt.length == 0 || storedKey.length == 0 || serverKey.length == 0) {
            throw new IllegalArgumentException("empty salt or key");
        }
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + ScramMechanism.MIN_ITERATIONS);
        }
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    /** The credential of {@code password} with a fresh salt from {@code random} (a SecureRandom in production). */
    public static ScramCredential create(ScramMechanism mechanism, char[] password, int iterations,
                                         RandomGenerator random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return derive(mechanism, password, salt, iterations);
    }

    /** The credential of {@code password} with a given salt (RFC 5802 section 3). */
    public static ScramCredential derive(ScramMechanism mechanism, char[] password, byte[] salt, int iterations) {
        if (iterations < ScramMechanism.MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be at least " + ScramMechanism.MIN_ITERATIONS);
        }
        // The password as UTF-8 without SASLprep: Kafka's clients do the same, and both ends must agree.
        byte[] encoded = new String(password).getBytes(StandardCharsets.UTF_8);
        byte[] saltedPassword = mechanism.hi(encoded, salt, iterations);
        Arrays.fill(encoded, (byte) 0);
        byte[] clientKey = mechanism.hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] serverKey = mechanism.hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.US_ASCII));
        return new ScramCredential(mechanism, salt, iterations, mechanism.hash(clientKey), serverKey);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ScramCredential c && c.mechanism == mechanism && c.iterations == iterations
                && Arrays.equals(c.salt, salt) && Arrays.equals(c.storedKey, storedKey)
                && Arrays.equals(c.serverKey, serverKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mechanism, iterations, Arrays.hashCode(salt), Arrays.hashCode(storedKey));
    }

    @Override
    public String toString() {
        return "ScramCredential[" + mechanism.mechanismName() + ", iterations=" + iterations + "]";
    }
}
