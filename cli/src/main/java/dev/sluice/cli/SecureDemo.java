package dev.sluice.cli;

import dev.sluice.broker.server.AuthorizationConfig;
import dev.sluice.broker.server.Node;
import dev.sluice.broker.server.NodeConfig;
import dev.sluice.broker.server.NodeTls;
import dev.sluice.cli.tls.CertificateAuthority;
import dev.sluice.cli.tls.IssuedCertificate;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.Producer;
import dev.sluice.client.ProducerRecord;
import dev.sluice.client.StringSerializer;
import dev.sluice.client.TopicListing;
import dev.sluice.examples.SeedScenario;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * {@code sluice demo --secure}: the seed scenario on a node with security on, set up as docs/security.md tells an
 * operator to. A CA and certificates made on the spot (as {@code sluice cert} makes them); mutual TLS on the broker
 * and controller ports; authorization on, with the node and an admin as super users; and, granted by the admin, only
 * what each of the guide's services needs: the producer WRITE on the topic, each consumer service READ on the topic
 * and on its own group. Before the scenario runs, it shows that a client without a certificate is refused at the
 * handshake and that a certificate without ACLs can neither see, write nor read the topic.
 */
final class SecureDemo {
    static final String NODE = "sluice-demo-node";
    static final String ADMIN = "demo-admin";
    static final String INTRUDER = "intruder";
    private static final Duration VALIDITY = Duration.ofDays(1);

    private final Path dir;
    private final PrintStream out;

    SecureDemo(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /** Runs the scenario; 0 when every event reached both services and both intruders were refused. */
    int run(Properties nodeProperties, int messages, String jdbcUrl, boolean verbose, Duration timeout)
            throws Exception {
        Path tls = dir.resolve("tls");
        writeCertificates(tls);
        Properties secured = new Properties();
        secured.putAll(nodeProperties);
        for (String listener : List.of(NodeTls.CLIENT, NodeTls.CONTROLLER)) {
            secured.setProperty(NodeTls.key(listener, "cert"), tls.resolve(NODE + ".pem").toString());
            secured.setProperty(NodeTls.key(listener, "key"), tls.resolve(NODE + "-key.pem").toString());
            secured.setProperty(NodeTls.key(listener, "ca"), tls.resolve("ca.pem").toString());
            secured.setProperty(NodeTls.key(listener, "client.auth"), "required");
        }
        secured.setProperty(AuthorizationConfig.ENABLED, "true");
        secured.setProperty(AuthorizationConfig.SUPER_USERS, principal(NODE) + ";" + principal(ADMIN));
        out.println("demo --secure: certificates in " + tls.toAbsolutePath() + "; mutual TLS on the broker and "
                + "controller ports; authorizer.enabled=true, super.users=" + principal(NODE) + ";" + principal(ADMIN));
        try (Node node = Node.start(NodeConfig.parse(secured))) {
            if (!node.awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the local node did not become ready within 60 s");
            }
            String brokers = node.bootstrapServers();
            out.println("demo --secure: node ready at " + brokers);
            grantTheServicesWhatTheyNeed(connection(brokers, tls, ADMIN));
            boolean refusedWithoutCertificate = refusedWithoutCertificate(brokers, tls);
            boolean refusedWithoutAcls = refusedWithoutAcls(connection(brokers, tls, INTRUDER));
            SeedScenario.Result result = new SeedScenario(role -> connection(brokers, tls,
                    role.equals(SeedScenario.ADMIN) ? ADMIN : role), jdbcUrl, out, verbose).run(messages, timeout);
            out.println(result.summaryLine() + " refused-without-certificate=" + refusedWithoutCertificate
                    + " refused-without-acls=" + refusedWithoutAcls);
            return result.allEqual(messages) && refusedWithoutCertificate && refusedWithoutAcls ? 0 : 1;
        }
    }

    private void writeCertificates(Path tls) throws IOException {
        Files.createDirectories(tls);
        CertificateAuthority ca = CertificateAuthority.create("CN=sluice-demo-ca", VALIDITY, Clock.systemUTC(),
                new SecureRandom());
        Files.writeString(tls.resolve("ca.pem"), ca.certificate().certificatePem());
        write(tls, NODE, ca.issue("CN=" + NODE, List.of("127.0.0.1", "localhost"), true, VALIDITY));
        for (String client : List.of(ADMIN, SeedScenario.PRODUCER, SeedScenario.EMAIL_SERVICE,
                SeedScenario.DB_SERVICE, INTRUDER)) {
            write(tls, client, ca.issue("CN=" + client, List.of(), false, VALIDITY));
        }
    }

    private static void write(Path tls, String name, IssuedCertificate certificate) throws IOException {
        Files.writeString(tls.resolve(name + ".pem"), certificate.certificatePem());
        Files.writeString(tls.resolve(name + "-key.pem"), certificate.keyPem());
    }

    /** The ACLs docs/security.md lists for the guide's services, created by the admin. */
    private void grantTheServicesWhatTheyNeed(Map<String, Object> admin) {
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(SeedScenario.PRODUCER, ResourceType.TOPIC, SeedScenario.TOPIC, AclOperation.WRITE));
        for (String service : List.of(SeedScenario.EMAIL_SERVICE, SeedScenario.DB_SERVICE)) {
            acls.add(allow(service, ResourceType.TOPIC, SeedScenario.TOPIC, AclOperation.READ));
            acls.add(allow(service, ResourceType.GROUP, service, AclOperation.READ));
        }
        try (Admin client = Admin.create(admin)) {
            client.createTopics(List.of(new NewTopic(SeedScenario.TOPIC, 3, (short) 1, Map.of())));
            client.createAcls(acls);
        }
        out.println("demo --secure: created topic '" + SeedScenario.TOPIC + "' and granted:");
        acls.forEach(acl -> out.println("demo --secure:   " + acl.entry().principal() + " "
                + acl.entry().operation() + " on " + acl.pattern().type().name().toLowerCase(Locale.ROOT)
                + " '" + acl.pattern().name() + "'"));
    }

    private static AclBinding allow(String client, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(ResourcePattern.literal(type, name),
                new AclEntry(principal(client), AclEntry.ANY_HOST, operation, AclPermission.ALLOW));
    }

    /** A client that trusts the cluster's CA but has no certificate of its own: the TLS handshake refuses it. */
    private boolean refusedWithoutCertificate(String brokers, Path tls) {
        Map<String, Object> anonymous = Map.of("bootstrap.servers", brokers, "tls.ca",
                tls.resolve("ca.pem").toString(), "request.timeout.ms", 5_000);
        try (Admin client = Admin.create(anonymous)) {
            client.listTopics();
            out.println("demo --secure: UNEXPECTED: a client without a certificate listed the topics");
            return false;
        } catch (RuntimeException e) {
            out.println("demo --secure: a client without a certificate is refused: " + e.getClass().getSimpleName());
            return true;
        }
    }

    /** A certificate the cluster trusts but that no ACL names: it sees no topic and cannot write. */
    private boolean refusedWithoutAcls(Map<String, Object> intruder) {
        try (Admin client = Admin.create(intruder)) {
            List<String> visible = client.listTopics().stream().map(TopicListing::name).toList();
            boolean hidden = !visible.contains(SeedScenario.TOPIC);
            Map<String, Object> producer = new HashMap<>(intruder);
            producer.put("max.block.ms", 5_000);
            boolean writeRefused;
            producer.put("delivery.timeout.ms", 10_000);
            try (Producer<String, String> writer = new Producer<>(producer, new StringSerializer(),
                    new StringSerializer())) {
                writer.send(new ProducerRecord<>(SeedScenario.TOPIC, "k", "v")).get();
                writeRefused = false;
            } catch (Exception e) {
                writeRefused = true;
            }
            out.println("demo --secure: " + principal(INTRUDER) + " (no ACLs) sees topics " + visible
                    + "; its write was " + (writeRefused ? "refused" : "ACCEPTED"));
            return hidden && writeRefused;
        }
    }

    private static Map<String, Object> connection(String brokers, Path tls, String client) {
        return Map.of("bootstrap.servers", brokers, "tls.ca", tls.resolve("ca.pem").toString(),
                "tls.cert", tls.resolve(client + ".pem").toString(),
                "tls.key", tls.resolve(client + "-key.pem").toString());
    }

    private static String principal(String client) {
        return "User:CN=" + client;
    }
}
