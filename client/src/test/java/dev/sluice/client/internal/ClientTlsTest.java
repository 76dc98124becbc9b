package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.security.TlsSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientTlsTest {
    private static TlsSettings tls(Map<String, Object> config) {
        return AdminSettings.from(config).tls();
    }

    @Test
    void plaintextUnlessATlsKeyIsSet() {
        assertThat(tls(Map.of("bootstrap.servers", "a:1"))).isEqualTo(TlsSettings.PLAINTEXT);
        TlsSettings caOnly = tls(Map.of("bootstrap.servers", "a:1", "tls.ca", "/ca.pem"));
        assertThat(caOnly.enabled()).isTrue();
        assertThat(caOnly.caFile()).isEqualTo(Path.of("/ca.pem"));
        assertThat(caOnly.hasIdentity()).isFalse();
        TlsSettings systemTrust = tls(Map.of("bootstrap.servers", "a:1", "tls.enabled", "true"));
        assertThat(systemTrust.enabled()).isTrue();
        assertThat(systemTrust.caFile()).isNull();
        TlsSettings mutual = ProducerSettings.from(Map.of("bootstrap.servers", "a:1", "tls.ca", "/ca.pem",
                "tls.cert", "/c.pem", "tls.key", "/k.pem")).tls();
        assertThat(mutual.certFile()).isEqualTo(Path.of("/c.pem"));
        assertThat(ConsumerSettings.from(Map.of("bootstrap.servers", "a:1", "tls.ca", "/ca.pem")).tls().enabled())
                .isTrue();
    }

    @Test
    void contradictionsAreRefused() {
        assertThatThrownBy(() -> tls(Map.of("bootstrap.servers", "a:1", "tls.cert", "/c.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.cert and tls.key");
        assertThatThrownBy(() -> tls(Map.of("bootstrap.servers", "a:1", "tls.ca", "/c.pem", "tls.enabled", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contradicts tls.ca");
    }

    @Test
    void aMissingFileFailsWhenTheClientIsBuilt() {
        assertThatThrownBy(() -> new ChannelPool(TlsSettings.client(Path.of("/no/such/ca.pem"), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/no/such/ca.pem: cannot be read");
    }
}
