package dev.sluice.chaos.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.server.NodeConfig;
import dev.sluice.chaos.workload.WorkloadPrincipals;
import dev.sluice.security.ClientAuth;
import dev.sluice.security.PrincipalMappingRules;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured run's node settings and certificates, checked with the server's own parser and mapping rules. */
class TlsScramSecurityTest {
    @TempDir
    Path dir;

    @Test
    void everyNodeParsesItsSettingsWithMutualTlsBetweenNodesAndAuthenticationAndAclsOn() throws Exception {
        TlsScramSecurity security = TlsScramSecurity.create(dir, Map.of(1, "10.213.7.11", 2, "10.213.7.12"),
                Clock.systemUTC(), new SecureRandom());
        Properties properties = new Properties();
        properties.putAll(Map.of("node.id", "2", "host", "10.213.7.12", "cluster.id", "chaos-test",
                "controller.quorum.voters", "1@10.213.7.11:7093,2@10.213.7.12:7093", "data.dir",
                dir.resolve("data").toString()));
        properties.putAll(security.nodeSettings(2));

        NodeConfig config = NodeConfig.parse(properties);

        assertThat(config.tls().controller().clientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(config.tls().client().clientAuth()).isEqualTo(ClientAuth.REQUESTED);
        assertThat(config.tls().kafka().enabled()).isTrue();
        assertThat(config.authentication().required()).isTrue();
        assertThat(config.authorization().enabled()).isTrue();
        assertThat(config.authorization().superUsers()).containsExactlyInAnyOrder("User:node-1", "User:node-2",
                "User:chaos-admin");
    }

    @Test
    void aNodesCertificateNamesItsAddressAndMapsToItsSuperUserPrincipal() throws Exception {
        TlsScramSecurity.create(dir, Map.of(3, "127.0.0.23"), Clock.systemUTC(), new SecureRandom());
        X509Certificate node = certificate(dir.resolve("node-3.pem"));
        X509Certificate admin = certificate(dir.resolve("chaos-admin.pem"));
        PrincipalMappingRules rules = PrincipalMappingRules.parse(TlsScramSecurity.PRINCIPAL_MAPPING_RULES);

        assertThat(node.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.23"));
        assertThat(rules.map(node.getSubjectX500Principal().getName())).contains("node-3");
        assertThat(rules.map(admin.getSubjectX500Principal().getName())).contains("chaos-admin");
        // A node's wall clock moved back by the clock nemesis (at most 300 s) still accepts the others' certificates.
        assertThat(node.getNotBefore().toInstant()).isBefore(java.time.Instant.now().minusSeconds(300));
    }

    @Test
    void workloadClientsUseTlsAndScramWithTheirOwnUserAndNoPasswordLeaksIntoToString() throws Exception {
        TlsScramSecurity security = TlsScramSecurity.create(dir, Map.of(1, "10.213.7.11"), Clock.systemUTC(),
                new SecureRandom());
        String password = security.password(WorkloadPrincipals.APPEND);

        assertThat(security.sluiceClient(WorkloadPrincipals.APPEND)).containsEntry("sasl.username", "chaos-append")
                .containsEntry("sasl.password", password).containsEntry("tls.ca", dir.resolve("ca.pem").toString())
                .doesNotContainKey("tls.cert");
        assertThat(security.kafkaClient(WorkloadPrincipals.APPEND)).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat((String) security.kafkaClient(WorkloadPrincipals.APPEND).get("sasl.jaas.config"))
                .contains("username=\"chaos-append\"", "password=\"" + password + "\"");
        assertThat(security.password(WorkloadPrincipals.READER)).isNotEqualTo(password);
        assertThat(security.toString()).doesNotContain(password);
        assertThatThrownBy(() -> security.password("intruder")).hasMessageContaining("not a workload principal");
        assertThat(Files.readString(dir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
