package dev.sluice.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.cluster.Topology;
import dev.sluice.chaos.runner.ChaosRun;
import dev.sluice.chaos.runner.RunConfig;
import dev.sluice.chaos.runner.RunResult;
import dev.sluice.chaos.security.SecurityMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos suite of the default build: fixed seeds, both topologies, every workload (the append workload once
 * with Sluice's client, once with Kafka's), a mix of nemeses, each run about a minute of load (8 minutes at most in
 * total). The combined run is plaintext; the split run has TLS and authentication on ({@code tls-scram}: mutual TLS
 * between the nodes, every workload client over TLS as a SCRAM user with only its ACLs). A failure message names the
 * seed and the report directory.
 */
@Tag("chaos")
class ShortChaosSuiteIT {
    private static final Path ROOT = Path.of(System.getProperty("sluice.root", "..")).toAbsolutePath().normalize();
    private static final Path REPORTS = ROOT.resolve("chaos-tests/target/chaos");

    @Test
    @Timeout(value = 240)
    void combinedNodesUnderKillsPausesAndPartitions() throws Exception {
        check(new RunConfig(1001, Topology.COMBINED, "kill-controller,pause,partition,kill-leader",
                RunConfig.ALL_WORKLOADS, Duration.ofSeconds(75), Duration.ofSeconds(10), Duration.ofSeconds(14),
                Duration.ofSeconds(6), ROOT, REPORTS));
    }

    /**
     * Secured: Apache Kafka's Java client as the producers (SASL_SSL) on the brokers' Kafka listeners, Sluice's
     * consumers and admins over TLS with SCRAM, through leader kills and controller partitions.
     */
    @Test
    @Timeout(value = 240)
    void splitControllersAndBrokersWithTlsAndAuthenticationUnderPartitionsAndLinkFaults() throws Exception {
        check(new RunConfig(2002, Topology.SPLIT, "partition-controller,kill-leader,bridge,lossy",
                List.of("kafka-append", "groups", "metadata"), Duration.ofSeconds(75), Duration.ofSeconds(10),
                Duration.ofSeconds(14), Duration.ofSeconds(6), ROOT, REPORTS).withSecurity(SecurityMode.TLS_SCRAM));
    }

    private static void check(RunConfig config) throws Exception {
        RunResult result = ChaosRun.run(config, System.out);
        System.out.println(result.summary());
        assertThat(result.valid()).as("chaos run failed: %s", result.summary()).isTrue();
    }
}
