package dev.sluice.chaos.security;

import dev.sluice.broker.server.AuthenticationConfig;
import dev.sluice.broker.server.AuthorizationConfig;
import dev.sluice.broker.server.NodeTls;
import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.workload.WorkloadPrincipals;
import dev.sluice.cli.tls.CertificateAuthority;
import dev.sluice.cli.tls.IssuedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A chaos cluster set up as docs/security.md tells an operator to, with a CA and certificates made on the spot by
 * {@code sluice cert}'s {@link CertificateAuthority}:
 * <ul>
 *   <li>the controller port: mutual TLS, client certificates required (the nodes' own);</li>
 *   <li>the broker port: TLS, client certificates requested: the nodes (replica fetches, lag queries) and the
 *       harness's admin present theirs, the workload clients authenticate with SCRAM-SHA-256 instead;</li>
 *   <li>the Kafka listener: TLS and SCRAM (Kafka's {@code SASL_SSL}; Kafka's client uses SCRAM-SHA-512);</li>
 *   <li>{@code authentication.required=true}, {@code authorizer.enabled=true}; the nodes and the admin
 *       ({@code User:node-<id>}, {@code User:chaos-admin} by {@link #PRINCIPAL_MAPPING_RULES}) are the super users;
 *       the workload principals get only the ACLs of {@link WorkloadPrincipals}.</li>
 * </ul>
 * Each node's certificate names the address the fabric gives it (namespace or loopback), which is the address it
 * advertises and the one in the quorum, and is valid from an hour before it was made (the clock nemesis moves a
 * node's wall clock by at most 300 s). The users' passwords are random per run and kept in memory only. Immutable
 * once made; any thread.
 */
public final class TlsScramSecurity implements ChaosSecurity {
    static final String ADMIN = "chaos-admin";
    static final String SLUICE_MECHANISM = "SCRAM-SHA-256";
    static final String KAFKA_MECHANISM = "SCRAM-SHA-512";
    static final String PRINCIPAL_MAPPING_RULES = "RULE:^CN=([^,]*),O=.*$/$1/L,DEFAULT";
    private static final String ORGANIZATION = "O=Sluice chaos";
    private static final Duration VALIDITY = Duration.ofDays(7);

    private final Path dir;
    private final List<Integer> nodeIds;
    private final Map<String, String> passwords;

    private TlsScramSecurity(Path dir, List<Integer> nodeIds, Map<String, String> passwords) {
        this.dir = dir;
        this.nodeIds = List.copyOf(nodeIds);
        this.passwords = Map.copyOf(passwords);
    }

    /** Makes the CA, a certificate per node (for its address) and the admin's in {@code dir}, and the passwords. */
    static TlsScramSecurity create(Path dir, Map<Integer, String> nodeAddresses, Clock clock, SecureRandom random)
            throws IOException {
        Files.createDirectories(dir);
        CertificateAuthority ca = CertificateAuthority.create("CN=Sluice chaos CA," + ORGANIZATION, VALIDITY, clock,
                random);
        Files.writeString(dir.resolve("ca.pem"), ca.certificate().certificatePem());
        for (Map.Entry<Integer, String> node : nodeAddresses.entrySet()) {
            String name = nodeName(node.getKey());
            write(dir, name, ca.issue("CN=" + name + "," + ORGANIZATION, List.of(node.getValue()), true, VALIDITY));
        }
        write(dir, ADMIN, ca.issue("CN=" + ADMIN + "," + ORGANIZATION, List.of(), false, VALIDITY));
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String user : WorkloadPrincipals.ALL) {
            byte[] secret = new byte[24];
            random.nextBytes(secret);
            passwords.put(user, HexFormat.of().formatHex(secret));
        }
        return new TlsScramSecurity(dir, List.copyOf(nodeAddresses.keySet()), passwords);
    }

    private static void write(Path dir, String name, IssuedCertificate certificate) throws IOException {
        Files.writeString(dir.resolve(name + ".pem"), certificate.certificatePem());
        Files.writeString(dir.resolve(name + "-key.pem"), certificate.keyPem());
    }

    static String nodeName(int nodeId) {
        return "node-" + nodeId;
    }

    @Override
    public SecurityMode mode() {
        return SecurityMode.TLS_SCRAM;
    }

    @Override
    public Map<String, String> nodeSettings(int nodeId) {
        Map<String, String> settings = new LinkedHashMap<>();
        String cert = file(nodeName(nodeId) + ".pem");
        String key = file(nodeName(nodeId) + "-key.pem");
        for (String listener : List.of(NodeTls.CONTROLLER, NodeTls.CLIENT, NodeTls.KAFKA)) {
            settings.put(NodeTls.key(listener, "cert"), cert);
            settings.put(NodeTls.key(listener, "key"), key);
        }
        settings.put(NodeTls.key(NodeTls.CONTROLLER, "ca"), file("ca.pem"));
        settings.put(NodeTls.key(NodeTls.CONTROLLER, "client.auth"), "required");
        settings.put(NodeTls.key(NodeTls.CLIENT, "ca"), file("ca.pem"));
        // Requested, not required: the nodes and the admin present certificates, the workloads use SCRAM.
        settings.put(NodeTls.key(NodeTls.CLIENT, "client.auth"), "requested");
        settings.put(NodeTls.PRINCIPAL_MAPPING_RULES, PRINCIPAL_MAPPING_RULES);
        settings.put(AuthenticationConfig.REQUIRED, "true");
        settings.put(AuthenticationConfig.KAFKA_MECHANISMS, SLUICE_MECHANISM + "," + KAFKA_MECHANISM);
        settings.put(AuthorizationConfig.ENABLED, "true");
        settings.put(AuthorizationConfig.SUPER_USERS, superUsers());
        return settings;
    }

    /** Every node of the cluster and the harness's admin. */
    String superUsers() {
        return nodeIds.stream().map(id -> WorkloadPrincipals.principal(nodeName(id))).collect(Collectors.joining(";"))
                + ";" + WorkloadPrincipals.principal(ADMIN);
    }

    @Override
    public Map<String, Object> adminClient() {
        return Map.of("tls.ca", file("ca.pem"), "tls.cert", file(ADMIN + ".pem"), "tls.key", file(ADMIN + "-key.pem"));
    }

    @Override
    public Map<String, Object> sluiceClient(String user) {
        return Map.of("tls.ca", file("ca.pem"), "sasl.mechanism", SLUICE_MECHANISM, "sasl.username", user,
                "sasl.password", password(user));
    }

    @Override
    public Map<String, Object> kafkaClient(String user) {
        // The password is hex, so it needs no escaping inside the JAAS string.
        return Map.of("security.protocol", "SASL_SSL", "ssl.truststore.type", "PEM",
                "ssl.truststore.location", file("ca.pem"), "sasl.mechanism", KAFKA_MECHANISM,
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password(user) + "\";");
    }

    String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("'" + user + "' is not a workload principal: " + passwords.keySet());
        }
        return password;
    }

    @Override
    public void grantWorkloadPrincipals(ChaosCluster cluster, String appendTopic, Duration timeout) {
        new PrincipalGrants(cluster, this, timeout).grant(appendTopic);
    }

    private String file(String name) {
        return dir.resolve(name).toAbsolutePath().toString();
    }

    @Override
    public String toString() {
        return "TlsScramSecurity[" + dir + ", nodes " + nodeIds + "]";  // no passwords
    }
}
