package dev.sluice.client;

import java.util.Map;

/**
 * A user with SCRAM credentials: per mechanism name ({@code SCRAM-SHA-256}) its iteration count. Never a salt or key.
 */
public record UserDescription(String user, Map<String, Integer> iterationsByMechanism) {
    public UserDescription {
        iterationsByMechanism = Map.copyOf(iterationsByMechanism);
    }
}
