package dev.sluice.chaos;

import dev.sluice.chaos.cluster.Topology;
import dev.sluice.chaos.runner.ChaosRun;
import dev.sluice.chaos.runner.RunConfig;
import dev.sluice.chaos.runner.RunResult;
import dev.sluice.chaos.runner.TopicConfigs;
import dev.sluice.chaos.security.SecurityMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code chaos-tests/run.sh}: one long chaos run. Options: {@code --minutes M} (load phase), {@code --nemesis
 * NAME,...|all}, {@code --seed S}, {@code --topology combined|split}, {@code --workload
 * append|kafka-append,groups,metadata}, {@code --report-dir DIR}, {@code --topic-config key=value,...} (the append
 * topic's configuration, e.g. {@code durable.acks=true,min.insync.replicas=2}), {@code --security
 * plaintext|tls-scram} (TLS, SCRAM users and ACLs: {@code TlsScramSecurity}). Exit code 0 when every verdict is
 * valid, 1 when one is not, 2 on a usage error.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 5;
        String nemeses = "all";
        long seed = System.currentTimeMillis();
        Topology topology = Topology.COMBINED;
        List<String> workloads = RunConfig.ALL_WORKLOADS;
        Path root = Path.of(System.getProperty("sluice.root", ".")).toAbsolutePath().normalize();
        Path reportRoot = root.resolve("chaos-tests/target/chaos");
        String topicConfig = "";
        Map<String, String> topicOverrides = Map.of();
        SecurityMode security = SecurityMode.PLAINTEXT;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--minutes" -> minutes = Double.parseDouble(value);
                    case "--nemesis" -> nemeses = value;
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--topology" -> topology = Topology.parse(value);
                    case "--workload" -> workloads = Arrays.asList(value.split(","));
                    case "--report-dir" -> reportRoot = Path.of(value).toAbsolutePath();
                    case "--security" -> security = SecurityMode.parse(value);
                    case "--topic-config" -> {
                        topicConfig = value;
                        topicOverrides = TopicConfigs.parse(value);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
        } catch (RuntimeException e) {
            System.err.println("usage: run.sh [--minutes M] [--nemesis NAME,...|all] [--seed S] "
                    + "[--topology combined|split] [--workload append|kafka-append,groups,metadata] "
                    + "[--report-dir DIR] [--topic-config key=value,...] [--security plaintext|tls-scram]\n" + e);
            System.exit(2);
        }
        RunConfig config;
        try {
            config = RunConfig.of(seed, topology, nemeses, workloads, Duration.ofSeconds(Math.round(minutes * 60)),
                    root, reportRoot, topicOverrides).withSecurity(security);
        } catch (IllegalArgumentException e) {
            System.err.println("run.sh: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("chaos: seed=" + seed + " topology=" + topology.label() + " nemesis=" + nemeses
                + " workloads=" + workloads + " minutes=" + minutes + " append topic=" + config.appendTopicConfig()
                + " security=" + security.label());
        RunResult result = ChaosRun.run(config, System.out);
        System.out.println(result.summary());
        if (!result.valid()) {
            System.out.println("chaos: FAILED; replay with --seed " + seed + " --topology " + topology.label()
                    + " --nemesis " + nemeses + " --workload " + String.join(",", workloads)
                    + (topicConfig.isBlank() ? "" : " --topic-config " + topicConfig)
                    + (security == SecurityMode.PLAINTEXT ? "" : " --security " + security.label()));
        }
        System.exit(result.valid() ? 0 : 1);
    }
}
