package dev.sluice.security.scram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AuthSessionsTest {
    @Test
    void tokensExpireAndAreRevokedPerUser() {
        AuthSessions sessions = new AuthSessions(new Random(7), 1000);
        AuthSessions.Session alice = sessions.issue("alice", 0);
        AuthSessions.Session bob = sessions.issue("bob", 0);
        assertThat(alice.token()).hasSize(43).isNotEqualTo(bob.token());
        assertThat(alice.toString()).doesNotContain(alice.token());
        assertThat(sessions.user(alice.token(), 999)).contains("alice");
        assertThat(sessions.user(alice.token(), 1000)).isEmpty();
        assertThat(sessions.user("unknown", 0)).isEmpty();
        sessions.revokeUser("bob");
        assertThat(sessions.user(bob.token(), 1)).isEmpty();
    }
}
