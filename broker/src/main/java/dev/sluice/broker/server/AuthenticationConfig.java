package dev.sluice.broker.server;

import dev.sluice.security.scram.ScramMechanism;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The authentication settings of a node (docs/security.md): the SCRAM mechanisms the broker port offers
 * ({@code sasl.enabled.mechanisms}), whether a call needs a principal ({@code authentication.required}: a client
 * certificate or a SCRAM session), how long a session lasts ({@code sasl.session.lifetime.ms}), and the mechanisms
 * of the Kafka listener ({@code listener.kafka.sasl.enabled.mechanisms}; empty: no SASL there). Immutable.
 */
public record AuthenticationConfig(Set<ScramMechanism> mechanisms, boolean required, long sessionLifetimeMs,
                                   Set<ScramMechanism> kafkaMechanisms) {
    public static final String MECHANISMS = "sasl.enabled.mechanisms";
    public static final String REQUIRED = "authentication.required";
    public static final String SESSION_LIFETIME_MS = "sasl.session.lifetime.ms";
    public static final String KAFKA_MECHANISMS = "listener.kafka.sasl.enabled.mechanisms";
    public static final AuthenticationConfig DEFAULT = new AuthenticationConfig(
            EnumSet.allOf(ScramMechanism.class), false, 3_600_000, Set.of());

    public AuthenticationConfig {
        mechanisms = Set.copyOf(mechanisms);
        kafkaMechanisms = Set.copyOf(kafkaMechanisms);
    }

    /** The keys and their defaults, in the order docs/configuration.md lists them. */
    static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(MECHANISMS, "SCRAM-SHA-256,SCRAM-SHA-512");
        defaults.put(REQUIRED, "false");
        defaults.put(SESSION_LIFETIME_MS, "3600000");
        defaults.put(KAFKA_MECHANISMS, "");
        return defaults;
    }

    /** Parses the keys out of {@code values} (every key present, defaults filled in). */
    static AuthenticationConfig parse(Map<String, String> values) {
        String required = values.get(REQUIRED).trim().toLowerCase(Locale.ROOT);
        if (!required.equals("true") && !required.equals("false")) {
            throw new IllegalArgumentException(REQUIRED + " must be true or false, got '" + values.get(REQUIRED) + "'");
        }
        long lifetimeMs;
        try {
            lifetimeMs = Long.parseLong(values.get(SESSION_LIFETIME_MS).trim());
        } catch (NumberFormatException e) {
            lifetimeMs = -1;
        }
        if (lifetimeMs < 1000) {
            throw new IllegalArgumentException(SESSION_LIFETIME_MS + " must be a number of milliseconds of at least "
                    + "1000, got '" + values.get(SESSION_LIFETIME_MS) + "'");
        }
        return new AuthenticationConfig(mechanisms(values, MECHANISMS), Boolean.parseBoolean(required), lifetimeMs,
                mechanisms(values, KAFKA_MECHANISMS));
    }

    private static Set<ScramMechanism> mechanisms(Map<String, String> values, String key) {
        Set<ScramMechanism> mechanisms = EnumSet.noneOf(ScramMechanism.class);
        for (String part : values.get(key).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            mechanisms.add(ScramMechanism.forName(part.trim()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown mechanism '" + part.trim() + "' in " + key
                            + ": expected SCRAM-SHA-256 or SCRAM-SHA-512")));
        }
        return mechanisms;
    }
}
