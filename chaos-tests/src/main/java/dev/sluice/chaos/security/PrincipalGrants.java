package dev.sluice.chaos.security;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.workload.WorkloadPrincipals;
import dev.sluice.client.Admin;
import dev.sluice.client.AuthenticationException;
import dev.sluice.client.TopicListing;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sets the workload principals up on a running secured cluster through the real admin path (the harness's admin, a
 * super user by certificate): a SCRAM credential per user for both mechanisms ({@code Admin.createUser}, what
 * {@code sluice user create} calls) and {@link WorkloadPrincipals#acls} ({@code Admin.createAcls}, what
 * {@code sluice acl add} calls). Then waits until every broker lets each user in (the change is acknowledged once the
 * broker that took it applied it, and a workload client refused by a broker whose metadata lags would fail for good:
 * {@code AuthenticationException} and {@code AuthorizationException} are not retried), and checks that each refuses a
 * client without credentials. Runs on the runner thread,
 * bounded by one deadline; both changes are idempotent, so a call with an unknown outcome is simply made again.
 */
final class PrincipalGrants {
    /** The least SCRAM allows: logins stay cheap for clients that reconnect after every fault. */
    private static final int ITERATIONS = 4096;
    private final ChaosCluster cluster;
    private final TlsScramSecurity security;
    private final long deadlineNanos;

    PrincipalGrants(ChaosCluster cluster, TlsScramSecurity security, Duration timeout) {
        this.cluster = cluster;
        this.security = security;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    void grant(String appendTopic) {
        retry("create the workload users and their ACLs", () -> {
            try (Admin admin = cluster.admin(20_000)) {
                for (String user : WorkloadPrincipals.ALL) {
                    for (String mechanism : List.of(TlsScramSecurity.SLUICE_MECHANISM,
                            TlsScramSecurity.KAFKA_MECHANISM)) {
                        admin.createUser(user, mechanism, security.password(user).toCharArray(), ITERATIONS);
                    }
                }
                admin.createAcls(WorkloadPrincipals.acls(appendTopic));
                return true;
            }
        });
        for (int broker : cluster.topology().brokerIds()) {
            for (String user : WorkloadPrincipals.ALL) {
                retry("let " + user + " in at broker " + broker, () -> admitted(broker, user, appendTopic));
            }
            retry("see broker " + broker + " refuse a client without credentials", () -> refusesAnonymous(broker));
        }
    }

    /**
     * Whether {@code broker} refuses a TLS client with neither a certificate nor SCRAM credentials, so that the run
     * really is what it says.
     *
     * @throws IllegalStateException when the broker answers such a client
     */
    private boolean refusesAnonymous(int broker) {
        Map<String, Object> config = Map.of("bootstrap.servers", cluster.brokerAddress(broker), "tls.ca",
                security.sluiceClient(WorkloadPrincipals.READER).get("tls.ca"), "request.timeout.ms", 5_000,
                "default.api.timeout.ms", 10_000);
        try (Admin admin = Admin.create(config)) {
            admin.listTopics();
        } catch (AuthenticationException e) {
            return true;
        }
        throw new IllegalStateException("broker " + broker + " answered a client without credentials although "
                + "authentication.required=true");
    }

    /**
     * Whether {@code broker} authenticates {@code user} and applies its ACLs: a topic listing there (behind a read
     * barrier, so its image has every change committed before) shows the append topic to the users allowed to see it.
     */
    private boolean admitted(int broker, String user, String appendTopic) {
        Map<String, Object> config = new HashMap<>(security.sluiceClient(user));
        config.putAll(Map.of("bootstrap.servers", cluster.brokerAddress(broker), "request.timeout.ms", 5_000,
                "default.api.timeout.ms", 10_000));
        try (Admin admin = Admin.create(config)) {
            List<String> visible = admin.listTopics().stream().map(TopicListing::name).toList();
            return user.equals(WorkloadPrincipals.METADATA) || visible.contains(appendTopic);
        }
    }

    private void retry(String what, Supplier<Boolean> attempt) {
        RuntimeException last = null;
        while (System.nanoTime() < deadlineNanos) {
            try {
                if (attempt.get()) {
                    return;
                }
                last = null;
            } catch (IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            sleep(500);
        }
        throw new IllegalStateException("could not " + what + " in time"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
