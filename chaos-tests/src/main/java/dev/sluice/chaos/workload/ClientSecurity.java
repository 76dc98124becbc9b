package dev.sluice.chaos.workload;

import java.util.Map;

/**
 * How the workload clients reach a chaos cluster: the settings each client adds for its principal (a SCRAM user of
 * {@link WorkloadPrincipals}) on top of its own. Plaintext adds nothing; a secured run adds TLS (the run's CA) and
 * SCRAM credentials. Immutable; any thread.
 */
public interface ClientSecurity {
    /** No TLS, no authentication: the clients' own settings as they are. */
    ClientSecurity PLAINTEXT = new ClientSecurity() {
        @Override
        public Map<String, Object> sluiceClient(String user) {
            return Map.of();
        }

        @Override
        public Map<String, Object> kafkaClient(String user) {
            return Map.of();
        }
    };

    /** Settings for Sluice's client ({@code Producer}, {@code Consumer}, {@code Admin}) acting as {@code user}. */
    Map<String, Object> sluiceClient(String user);

    /** Settings for Apache Kafka's Java client acting as {@code user} ({@code security.protocol} and so on). */
    Map<String, Object> kafkaClient(String user);
}
