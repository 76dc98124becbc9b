package dev.sluice.security.scram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScramExchangeTest {
    // RFC 7677 section 3: user "user", password "pencil".
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    private static final byte[] DECOY = new byte[32];

    private static ScramServerExchange server(Map<String, ScramCredential> users, ScramMechanism mechanism) {
        return new ScramServerExchange(mechanism, user -> Optional.ofNullable(users.get(user)), SERVER_NONCE, DECOY);
    }

    @Test
    void clientMatchesRfc7677() {
        ScramClientExchange client = new ScramClientExchange(ScramMechanism.SCRAM_SHA_256, "user",
                "pencil".toCharArray(), CLIENT_NONCE);
        assertThat(client.clientFirst()).isEqualTo(CLIENT_FIRST);
        assertThat(client.handleServerFirst(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
        client.handleServerFinal(SERVER_FINAL);
    }

    @Test
    void serverMatchesRfc7677() {
        ScramCredential credential = ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "pencil".toCharArray(),
                SALT, 4096);
        ScramServerExchange server = server(Map.of("user", credential), ScramMechanism.SCRAM_SHA_256);
        assertThat(server.handleClientFirst(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
        assertThat(server.handleClientFinal(CLIENT_FINAL))
                .contains(new ScramServerExchange.Success("user", SERVER_FINAL));
    }

    @Test
    void wrongPasswordAndUnknownUserLookAlike() {
        for (ScramMechanism mechanism : ScramMechanism.values()) {
            ScramCredential credential = ScramCredential.create(mechanism, "right".toCharArray(), 4096,
                    new Random(1));
            Map<String, ScramCredential> users = Map.of("alice", credential);
            assertThat(exchange(users, mechanism, "alice", "right")).isPresent();
            assertThat(exchange(users, mechanism, "alice", "wrong")).isEmpty();
            assertThat(exchange(users, mechanism, "bob", "right")).isEmpty();
            // The challenge of an unknown user has the shape of a real one and is stable across exchanges.
            String unknown = server(users, mechanism).handleClientFirst("n,,n=bob,r=abc");
            assertThat(unknown).matches("r=abc.+,s=[A-Za-z0-9+/=]+,i=4096")
                    .isEqualTo(server(users, mechanism).handleClientFirst("n,,n=bob,r=abc"));
        }
    }

    @Test
    void clientRefusesAServerWithoutTheCredential() {
        ScramClientExchange client = new ScramClientExchange(ScramMechanism.SCRAM_SHA_256, "user",
                "pencil".toCharArray(), CLIENT_NONCE);
        client.clientFirst();
        client.handleServerFirst(SERVER_FIRST);
        assertThatThrownBy(() -> client.handleServerFinal("v=AAAA")).isInstanceOf(ScramException.class);
    }

    @Test
    void tooFewIterationsAndMalformedMessagesRefused() {
        assertThatThrownBy(() -> ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "p".toCharArray(), SALT, 4095))
                .isInstanceOf(IllegalArgumentException.class);
        ScramClientExchange client = new ScramClientExchange(ScramMechanism.SCRAM_SHA_256, "user",
                "pencil".toCharArray(), CLIENT_NONCE);
        client.clientFirst();
        assertThatThrownBy(() -> client.handleServerFirst(SERVER_FIRST.replace("i=4096", "i=1")))
                .isInstanceOf(ScramException.class);
        ScramServerExchange server = server(Map.of(), ScramMechanism.SCRAM_SHA_256);
        assertThatThrownBy(() -> server.handleClientFirst("p=tls-unique,,n=user,r=x"))
                .isInstanceOf(ScramException.class);
    }

    @Test
    void namesWithCommasAndEqualsSignsAreEscaped() {
        ScramCredential credential = ScramCredential.create(ScramMechanism.SCRAM_SHA_512, "pw".toCharArray(), 4096,
                new Random(2));
        assertThat(exchange(Map.of("a,b=c", credential), ScramMechanism.SCRAM_SHA_512, "a,b=c", "pw"))
                .map(ScramServerExchange.Success::user).contains("a,b=c");
    }

    @Test
    void credentialToStringShowsNoKey() {
        ScramCredential credential = ScramCredential.derive(ScramMechanism.SCRAM_SHA_256, "pencil".toCharArray(),
                SALT, 4096);
        assertThat(credential.toString()).isEqualTo("ScramCredential[SCRAM-SHA-256, iterations=4096]");
    }

    private static Optional<ScramServerExchange.Success> exchange(Map<String, ScramCredential> users,
                                                                  ScramMechanism mechanism, String user,
                                                                  String password) {
        ScramClientExchange client = new ScramClientExchange(mechanism, user, password.toCharArray(), "nonce1");
        ScramServerExchange server = server(users, mechanism);
        String serverFirst = server.handleClientFirst(client.clientFirst());
        Optional<ScramServerExchange.Success> success = server.handleClientFinal(client.handleServerFirst(serverFirst));
        success.ifPresent(s -> client.handleServerFinal(s.serverFinal()));
        return success;
    }
}
