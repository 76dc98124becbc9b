package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.security.scram.ScramMechanism;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code sasl.enabled.mechanisms}, {@code authentication.required}, {@code sasl.session.lifetime.ms}, Kafka's. */
class AuthenticationConfigTest {
    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void defaultsOfferBothMechanismsAndRequireNothing() {
        assertThat(NodeConfig.parse(new Properties()).authentication()).isEqualTo(AuthenticationConfig.DEFAULT);
        assertThat(AuthenticationConfig.DEFAULT.mechanisms()).isEqualTo(EnumSet.allOf(ScramMechanism.class));
        assertThat(AuthenticationConfig.DEFAULT.kafkaMechanisms()).isEmpty();
    }

    @Test
    void parsesEachKey() {
        AuthenticationConfig config = NodeConfig.parse(properties(AuthenticationConfig.MECHANISMS, "scram-sha-512",
                AuthenticationConfig.REQUIRED, "TRUE", AuthenticationConfig.SESSION_LIFETIME_MS, "60000",
                AuthenticationConfig.KAFKA_MECHANISMS, " SCRAM-SHA-256 , SCRAM-SHA-512")).authentication();
        assertThat(config).isEqualTo(new AuthenticationConfig(Set.of(ScramMechanism.SCRAM_SHA_512), true, 60_000,
                EnumSet.allOf(ScramMechanism.class)));
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthenticationConfig.MECHANISMS, "PLAIN")))
                .hasMessageContaining(AuthenticationConfig.MECHANISMS).hasMessageContaining("PLAIN");
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthenticationConfig.REQUIRED, "yes")))
                .hasMessageContaining(AuthenticationConfig.REQUIRED);
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthenticationConfig.SESSION_LIFETIME_MS, "10")))
                .hasMessageContaining(AuthenticationConfig.SESSION_LIFETIME_MS);
    }
}
