package dev.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.cli.ServerCommandLine;
import dev.sluice.security.ClientAuth;
import dev.sluice.security.TlsSettings;
import io.fabric8.certmanager.api.model.v1.Certificate;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's TLS values: every pod's node, started through start.sh and read by the real server parser, finds its
 * certificate, key and CA bundle in files a mounted Secret provides under cert-manager's key names; the Certificates
 * the chart asks cert-manager for cover the name of every pod that presents them and the client Service; the CLI
 * inside a pod is pointed at the same files; and with TLS off nothing of it is rendered.
 */
class ChartTlsTest {
    /** The files of a kubernetes.io/tls Secret as cert-manager writes it. */
    private static final Set<String> SECRET_KEYS = Set.of("tls.crt", "tls.key", "ca.crt");

    @TempDir
    Path temp;

    @Test
    void withCertManagerEveryNodeReadsItsListenersFilesFromTheIssuedSecrets() throws Exception {
        Rendered rendered = ChartRender.values("tls.yaml").render();
        List<Certificate> certificates = rendered.all(Certificate.class);
        assertThat(certificates).extracting(certificate -> certificate.getSpec().getSecretName())
                .containsExactlyInAnyOrder("sluice-client-tls", "sluice-controller-tls", "sluice-kafka-tls");
        for (Certificate certificate : certificates) {
            assertThat(certificate.getSpec().getPrivateKey().getEncoding()).as("the nodes read PKCS#8 keys")
                    .isEqualTo("PKCS8");
            assertThat(certificate.getSpec().getUsages()).contains("server auth", "client auth");
            assertThat(certificate.getSpec().getIssuerRef().getName()).isEqualTo("sluice-ca");
            assertThat(certificate.getSpec().getIssuerRef().getKind()).isEqualTo("ClusterIssuer");
        }

        for (StatefulSet set : rendered.statefulSets()) {
            for (int ordinal = 0; ordinal < set.getSpec().getReplicas(); ordinal++) {
                String pod = set.getMetadata().getName() + "-" + ordinal;
                NodeConfig config = start(rendered, set, pod);
                Map<String, String> environment = StartScript.podEnvironment(rendered, set, pod);
                String host = pod + "." + environment.get("POD_DOMAIN");
                assertThat(config.host()).isEqualTo(host);

                TlsSettings client = config.tls().client();
                assertThat(client.enabled()).isTrue();
                assertThat(client.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
                assertFromSecret(set, client, "sluice-client-tls");
                TlsSettings controller = config.tls().controller();
                assertThat(controller.enabled()).as("every node, broker-only ones too, presents it to the quorum")
                        .isTrue();
                assertThat(controller.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
                assertFromSecret(set, controller, "sluice-controller-tls");
                TlsSettings kafka = config.tls().kafka();
                assertThat(kafka.enabled()).isTrue();
                assertThat(kafka.clientAuth()).isEqualTo(ClientAuth.NONE);
                assertThat(kafka.caFile()).as("no CA bundle read without client certificates").isNull();
                assertThat(kafka.certFile()).isEqualTo(Path.of("/etc/sluice-tls/kafka/tls.crt"));

                boolean broker = config.roles().contains(NodeConfig.Role.BROKER);
                boolean quorum = config.roles().contains(NodeConfig.Role.CONTROLLER);
                assertThat(covers(certificate(certificates, "sluice-client-tls"), host)).as(host).isEqualTo(broker);
                assertThat(covers(certificate(certificates, "sluice-controller-tls"), host)).as(host)
                        .isEqualTo(quorum);
                assertThat(covers(certificate(certificates, "sluice-kafka-tls"), host)).as(host).isEqualTo(broker);

                // The CLI inside the pod: the client Service, under the broker certificate, with the node's files.
                String brokers = environment.get("SLUICE_BROKERS");
                assertThat(covers(certificate(certificates, "sluice-client-tls"),
                        brokers.substring(0, brokers.lastIndexOf(':')))).as(brokers).isTrue();
                assertThat(Path.of(environment.get("SLUICE_TLS_CA"))).isEqualTo(client.caFile());
                assertThat(Path.of(environment.get("SLUICE_TLS_CERT"))).isEqualTo(client.certFile());
                assertThat(Path.of(environment.get("SLUICE_TLS_KEY"))).isEqualTo(client.keyFile());
            }
        }
        Certificate clientCertificate = certificate(certificates, "sluice-client-tls");
        for (String service : List.of("sluice", "sluice.streaming", "sluice.streaming.svc",
                "sluice.streaming.svc.cluster.local")) {
            assertThat(covers(clientCertificate, service)).as(service).isTrue();
        }
    }

    @Test
    void anOperatorsOwnSecretIsMountedAndNoCertificateIsRequested() throws Exception {
        Rendered rendered = ChartRender.values("tls-own-secrets.yaml").render();
        assertThat(rendered.all(Certificate.class)).isEmpty();
        StatefulSet combined = rendered.pool("combined");
        NodeConfig config = start(rendered, combined, "sluice-combined-0");
        assertThat(config.tls().client().clientAuth()).isEqualTo(ClientAuth.NONE);
        assertFromSecret(combined, config.tls().client(), "sluice-broker-certs");
        assertThat(config.tls().controller().enabled()).isFalse();
        assertThat(combined.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
                .doesNotContain("tls-controller");
    }

    @Test
    void withoutTlsValuesNothingOfItIsRendered() throws Exception {
        Rendered rendered = ChartRender.chart().render();
        assertThat(rendered.all(Certificate.class)).isEmpty();
        for (StatefulSet set : rendered.statefulSets()) {
            String pod = set.getMetadata().getName() + "-0";
            NodeConfig config = start(rendered, set, pod);
            assertThat(config.tls().client().enabled()).isFalse();
            assertThat(config.tls().controller().enabled()).isFalse();
            assertThat(set.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
                    .noneMatch(name -> name.startsWith("tls-"));
            assertThat(StartScript.podEnvironment(rendered, set, pod)).doesNotContainKey("SLUICE_TLS_CA")
                    .containsKey("SLUICE_BROKERS");
        }
    }

    @Test
    void theChartLintsCleanWithTlsOnNotesIncluded() throws Exception {
        Path chart = ChartRender.copyOfTheChart(temp);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode values = (ObjectNode) yaml.readTree(chart.resolve("values.yaml").toFile());
        ObjectNode client = (ObjectNode) values.path("tls").path("client");
        client.put("enabled", true).put("secretName", "mine").put("clientAuth", "required");
        yaml.writeValue(chart.resolve("values.yaml").toFile(), values);

        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed()).as("lint messages: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }

    private NodeConfig start(Rendered rendered, StatefulSet set, String pod) throws Exception {
        Path scratch = Files.createDirectory(temp.resolve(pod));
        StartScript.Run run = StartScript.run(rendered, set, pod, "", scratch);
        assertThat(run.exitCode()).as("start.sh of %s: %s", pod, run.stderr()).isZero();
        return ServerCommandLine.parse(run.sluiceArguments());
    }

    /** Each of the listener's three files lies in a read-only mount of Secret {@code secretName}, under its keys. */
    private static void assertFromSecret(StatefulSet set, TlsSettings settings, String secretName) {
        List<VolumeMount> mounts = Rendered.node(set).getVolumeMounts();
        Function<String, Optional<Volume>> volume = name -> set.getSpec().getTemplate().getSpec().getVolumes()
                .stream().filter(candidate -> candidate.getName().equals(name)).findFirst();
        List<Path> files = new ArrayList<>(List.of(settings.certFile(), settings.keyFile()));
        if (settings.caFile() != null) {
            files.add(settings.caFile());
            assertThat(settings.caFile().getFileName()).hasToString("ca.crt");
        }
        for (Path file : files) {
            VolumeMount mount = mounts.stream().filter(candidate -> file.getParent()
                    .equals(Path.of(candidate.getMountPath()))).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " is in no mounted directory: " + mounts));
            assertThat(mount.getReadOnly()).isTrue();
            assertThat(mount.getSubPath()).as("a subPath mount would never see a renewed Secret").isNull();
            Volume source = volume.apply(mount.getName()).orElseThrow();
            assertThat(source.getSecret()).as("volume %s", source.getName()).isNotNull();
            assertThat(source.getSecret().getSecretName()).isEqualTo(secretName);
            assertThat(SECRET_KEYS).contains(file.getFileName().toString());
        }
        assertThat(settings.certFile().getFileName()).hasToString("tls.crt");
        assertThat(settings.keyFile().getFileName()).hasToString("tls.key");
    }

    private static Certificate certificate(List<Certificate> certificates, String secretName) {
        return certificates.stream().filter(c -> c.getSpec().getSecretName().equals(secretName)).findFirst()
                .orElseThrow();
    }

    /** Whether one of the certificate's DNS names matches {@code host} as TLS clients match (RFC 6125 wildcards). */
    static boolean covers(Certificate certificate, String host) {
        List<String> names = new ArrayList<>(certificate.getSpec().getDnsNames());
        for (String name : names) {
            if (name.equals(host)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }
}
