package dev.sluice.client.internal;

import dev.sluice.security.scram.ScramMechanism;

/**
 * The SCRAM credentials a client authenticates with ({@code sasl.mechanism}, {@code sasl.username},
 * {@code sasl.password}), or {@link #NONE}. Immutable; {@link #toString()} leaves the password out.
 */
public record ClientSasl(ScramMechanism mechanism, String username, char[] password) {
    public static final String MECHANISM = "sasl.mechanism";
    public static final String USERNAME = "sasl.username";
    public static final String PASSWORD = "sasl.password";
    static final java.util.Set<String> KEYS = java.util.Set.of(MECHANISM, USERNAME, PASSWORD);
    public static final ClientSasl NONE = new ClientSasl(null, "", new char[0]);

    public ClientSasl {
        password = password.clone();
    }

    public boolean enabled() {
        return mechanism != null;
    }

    @Override
    public char[] password() {
        return password.clone();
    }

    static ClientSasl from(ConfigReader reader) {
        String mechanism = reader.string(MECHANISM, "");
        String username = reader.string(USERNAME, "");
        String password = reader.string(PASSWORD, "");
        if (mechanism.isEmpty()) {
            if (!username.isEmpty() || !password.isEmpty()) {
                throw new IllegalArgumentException(USERNAME + " and " + PASSWORD + " need " + MECHANISM
                        + " (SCRAM-SHA-256 or SCRAM-SHA-512)");
            }
            return NONE;
        }
        ScramMechanism parsed = ScramMechanism.forName(mechanism).orElseThrow(() -> new IllegalArgumentException(
                "unknown " + MECHANISM + " '" + mechanism + "': expected SCRAM-SHA-256 or SCRAM-SHA-512"));
        if (username.isEmpty()) {
            throw new IllegalArgumentException(MECHANISM + " needs " + USERNAME + " and " + PASSWORD);
        }
        return new ClientSasl(parsed, username, password.toCharArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientSasl s && s.mechanism == mechanism && s.username.equals(username)
                && java.util.Arrays.equals(s.password, password);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(mechanism, username);
    }

    @Override
    public String toString() {
        return enabled() ? "ClientSasl[" + mechanism.mechanismName() + ", " + username + "]" : "ClientSasl[none]";
    }
}
