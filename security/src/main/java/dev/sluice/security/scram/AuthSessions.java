package dev.sluice.security.scram;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The session tokens a broker hands out after a successful SCRAM exchange: 256 random bits each, held in memory
 * only (a restarted broker forgets them and clients authenticate again), valid for {@code lifetimeMs}. Time comes in
 * as arguments and randomness through the constructor (a SecureRandom in production). Thread-safe: gRPC threads
 * issue and look up tokens concurrently.
 */
public final class AuthSessions {
    private static final int TOKEN_BYTES = 32;

    private final RandomGenerator random;
    private final long lifetimeMs;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public AuthSessions(RandomGenerator random, long lifetimeMs) {
        if (lifetimeMs <= 0) {
            throw new IllegalArgumentException("lifetimeMs must be positive");
        }
        this.random = random;
        this.lifetimeMs = lifetimeMs;
    }

    /** A new token for {@code user}, valid until {@code nowMs + lifetimeMs}. */
    public Session issue(String user, long nowMs) {
        sessions.values().removeIf(s -> s.expiresAtMs() <= nowMs);
        byte[] bytes = new byte[TOKEN_BYTES];
        synchronized (random) {
            random.nextBytes(bytes);
        }
        Session session = new Session(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), user,
                nowMs + lifetimeMs);
        sessions.put(session.token(), session);
        return session;
    }

    /** The user of a live token; empty for an unknown or expired one. */
    public Optional<String> user(String token, long nowMs) {
        Session session = sessions.get(token);
        if (session == null) {
            return Optional.empty();
        }
        if (session.expiresAtMs() <= nowMs) {
            sessions.remove(token, session);
            return Optional.empty();
        }
        return Optional.of(session.user());
    }

    /** Ends every session of {@code user} (deleted, or its password changed). */
    public void revokeUser(String user) {
        sessions.values().removeIf(s -> s.user().equals(user));
    }

    public int size() {
        return sessions.size();
    }

    /** A token, its user and its expiry (ms since the epoch). {@link #toString()} leaves the token out. */
    public record Session(String token, String user, long expiresAtMs) {
        @Override
        public String toString() {
            return "Session[user=" + user + ", expiresAtMs=" + expiresAtMs + "]";
        }
    }
}
