package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.RemoveUserScramCredentialRecord;
import dev.sluice.proto.internal.v1.UserScramCredentialRecord;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * SCRAM credential changes on top of a {@link ScramCredentialsImage}. A credential record replaces the user's
 * credential of its mechanism; removing one that does not exist, or a malformed credential, breaks the log's
 * invariant (the controller writes neither) and throws {@link IllegalStateException}. Mutable; owned by the thread
 * replaying records.
 */
public final class ScramCredentialsDelta {
    private final ScramCredentialsImage base;
    private Map<String, Map<ScramMechanism, ScramCredential>> users;
    private final Set<String> changedUsers = new HashSet<>();

    ScramCredentialsDelta(ScramCredentialsImage base) {
        this.base = base;
    }

    /** The users whose credentials were set or removed (for ending their sessions). */
    public Set<String> changedUsers() {
        return changedUsers;
    }

    void replay(UserScramCredentialRecord record) {
        ScramCredential credential;
        try {
            credential = ScramProtos.toModel(record.getCredential());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("malformed SCRAM credential in the metadata log: " + e.getMessage(), e);
        }
        String user = record.getCredential().getUser();
        mutable().computeIfAbsent(user, u -> new EnumMap<>(ScramMechanism.class)).put(credential.mechanism(),
                credential);
        changedUsers.add(user);
    }

    void replay(RemoveUserScramCredentialRecord record) {
        ScramMechanism mechanism = ScramProtos.toModel(record.getMechanism()).orElseThrow(
                () -> new IllegalStateException("remove-credential record without a mechanism"));
        Map<ScramMechanism, ScramCredential> credentials = mutable().get(record.getUser());
        if (credentials == null || credentials.remove(mechanism) == null) {
            throw new IllegalStateException("remove-credential record for a credential that does not exist: "
                    + record.getUser() + " " + mechanism.mechanismName());
        }
        if (credentials.isEmpty()) {
            users.remove(record.getUser());
        }
        changedUsers.add(record.getUser());
    }

    private Map<String, Map<ScramMechanism, ScramCredential>> mutable() {
        if (users == null) {
            users = new TreeMap<>();
            base.users().forEach((user, credentials) -> users.put(user, new EnumMap<>(credentials)));
        }
        return users;
    }

    ScramCredentialsImage apply() {
        return users == null ? base : new ScramCredentialsImage(users);
    }
}
