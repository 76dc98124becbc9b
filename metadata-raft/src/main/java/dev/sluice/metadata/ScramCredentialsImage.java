package dev.sluice.metadata;

import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The users' SCRAM credentials: user name to mechanism to credential. Users are few and change rarely, so each
 * change copies the map. Immutable; any thread.
 */
public record ScramCredentialsImage(Map<String, Map<ScramMechanism, ScramCredential>> users) {
    public static final ScramCredentialsImage EMPTY = new ScramCredentialsImage(Map.of());

    public ScramCredentialsImage {
        Objects.requireNonNull(users, "users");
        TreeMap<String, Map<ScramMechanism, ScramCredential>> copy = new TreeMap<>();
        users.forEach((user, credentials) -> {
            if (credentials.isEmpty()) {
                throw new IllegalStateException("user " + user + " without credentials in the image");
            }
            copy.put(user, Map.copyOf(credentials));
        });
        users = java.util.Collections.unmodifiableMap(copy);
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    public Optional<ScramCredential> credential(String user, ScramMechanism mechanism) {
        return Optional.ofNullable(users.getOrDefault(user, Map.of()).get(mechanism));
    }

    public boolean hasUser(String user) {
        return users.containsKey(user);
    }

    public void write(ImageWriter writer) {
        users.forEach((user, credentials) -> new TreeMap<>(credentials).values()
                .forEach(credential -> writer.write(MetadataRecords.scramCredential(user, credential))));
    }
}
