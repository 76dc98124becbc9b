package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.security.ClientAuth;
import dev.sluice.security.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NodeTlsConfigTest {
    private static NodeConfig parse(Map<String, String> values) {
        Properties properties = new Properties();
        values.forEach(properties::setProperty);
        return NodeConfig.parse(properties);
    }

    private static NodeConfig parsePairs(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return NodeConfig.parse(properties);
    }

    @Test
    void plaintextByDefault() {
        NodeConfig config = parse(Map.of());
        assertThat(config.tls().client()).isEqualTo(TlsSettings.PLAINTEXT);
        assertThat(config.tls().controller()).isEqualTo(TlsSettings.PLAINTEXT);
        assertThat(config.tls().kafka()).isEqualTo(TlsSettings.PLAINTEXT);
        assertThat(config.tls().principalRules().map("CN=a")).contains("CN=a");
    }

    @Test
    void eachListenerHasItsOwnFilesClientAuthAndProtocols() {
        NodeConfig config = parsePairs(
                "listener.client.tls.cert", "/etc/sluice/client.pem", "listener.client.tls.key", "/k.pem",
                "listener.client.tls.ca", "/ca.pem", "listener.client.tls.client.auth", "Requested",
                "listener.client.tls.protocols", "TLSv1.2, tlsv1.3",
                "listener.controller.tls.cert", "/c.pem", "listener.controller.tls.key", "/ck.pem",
                "listener.controller.tls.ca", "/ca.pem", "listener.controller.tls.client.auth", "required",
                "tls.reload.check.interval.ms", "250", "principal.mapping.rules", "RULE:^CN=(.*)$/$1/L");
        TlsSettings client = config.tls().client();
        assertThat(client.enabled()).isTrue();
        assertThat(client.certFile()).isEqualTo(Path.of("/etc/sluice/client.pem"));
        assertThat(client.clientAuth()).isEqualTo(ClientAuth.REQUESTED);
        assertThat(client.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(client.reloadCheckIntervalMs()).isEqualTo(250);
        TlsSettings controller = config.tls().controller();
        assertThat(controller.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(controller.protocols()).isEqualTo(List.of("TLSv1.3"));
        assertThat(config.tls().principalRules().map("CN=Ann")).contains("ann");
    }

    @Test
    void theKafkaListenerNeedsACaBundleOnlyToVerifyClientCertificates() {
        TlsSettings serverOnly = parsePairs("listener.kafka.tls.cert", "/kafka.pem", "listener.kafka.tls.key",
                "/kafka-key.pem").tls().kafka();
        assertThat(serverOnly.enabled()).isTrue();
        assertThat(serverOnly.caFile()).isNull();
        assertThat(serverOnly.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThatThrownBy(() -> parse(Map.of("listener.kafka.tls.cert", "/kafka.pem", "listener.kafka.tls.key",
                "/kafka-key.pem", "listener.kafka.tls.client.auth", "required")))
                .hasMessageContaining("listener.kafka.tls.ca").hasMessageContaining("signs client certificates");
        TlsSettings mutual = parsePairs("listener.kafka.tls.cert", "/kafka.pem", "listener.kafka.tls.key",
                "/kafka-key.pem", "listener.kafka.tls.ca", "/ca.pem", "listener.kafka.tls.client.auth", "required")
                .tls().kafka();
        assertThat(mutual.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(parse(Map.of()).tls().kafka().enabled()).isFalse();
    }

    @Test
    void incompleteOrMalformedSettingsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> parse(Map.of("listener.client.tls.cert", "/c.pem", "listener.client.tls.ca", "/a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listener.client.tls.key");
        assertThatThrownBy(() -> parse(Map.of("listener.controller.tls.cert", "/c.pem",
                "listener.controller.tls.key", "/k.pem"))).hasMessageContaining("listener.controller.tls.ca");
        assertThatThrownBy(() -> parse(Map.of("listener.client.tls.ca", "/ca.pem")))
                .hasMessageContaining("listener.client.tls.cert");
        assertThatThrownBy(() -> parse(Map.of("listener.client.tls.client.auth", "required")))
                .hasMessageContaining("needs TLS on the listener");
        assertThatThrownBy(() -> parse(Map.of("listener.client.tls.client.auth", "maybe")))
                .hasMessageContaining("none, requested or required");
        assertThatThrownBy(() -> parse(Map.of("listener.client.tls.cert", "/c.pem", "listener.client.tls.key", "/k",
                "listener.client.tls.ca", "/a", "listener.client.tls.protocols", "SSLv3")))
                .hasMessageContaining("TLSv1.3 and/or TLSv1.2");
        assertThatThrownBy(() -> parse(Map.of("principal.mapping.rules", "RULE:x")))
                .hasMessageContaining("principal mapping rules");
        assertThatThrownBy(() -> parse(Map.of("tls.reload.check.interval.ms", "-1")))
                .hasMessageContaining("at least 0");
        assertThatThrownBy(() -> parse(Map.of("listener.kafka.tls.cert", "/c.pem")))
                .hasMessageContaining("listener.kafka.tls.key");
        assertThatThrownBy(() -> parse(Map.of("listener.http.tls.cert", "/c.pem")))
                .hasMessageContaining("unknown server config");
    }
}
