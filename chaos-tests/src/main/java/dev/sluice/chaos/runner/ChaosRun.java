package dev.sluice.chaos.runner;

import dev.sluice.chaos.checker.DurabilityPromise;
import dev.sluice.chaos.checker.PowerLosses;
import dev.sluice.chaos.checker.Verdict;
import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.cluster.ProcessNodeRuntime;
import dev.sluice.chaos.disk.LazyFsConfig;
import dev.sluice.chaos.disk.LazyFsDisks;
import dev.sluice.chaos.history.HistoryWriter;
import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.nemesis.FaultTimeline;
import dev.sluice.chaos.nemesis.Nemeses;
import dev.sluice.chaos.nemesis.Nemesis;
import dev.sluice.chaos.nemesis.NemesisContext;
import dev.sluice.chaos.nemesis.NemesisRunner;
import dev.sluice.chaos.nemesis.NemesisSchedule;
import dev.sluice.chaos.net.LoopbackFabric;
import dev.sluice.chaos.net.NamespaceFabric;
import dev.sluice.chaos.net.NetworkFabric;
import dev.sluice.chaos.report.ReportWriter;
import dev.sluice.chaos.security.ChaosSecurity;
import dev.sluice.chaos.workload.Workload;
import dev.sluice.chaos.workload.WorkloadContext;
import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicExistsException;
import dev.sluice.proto.v1.ErrorCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * One chaos run, start to finish: network fabric, cluster, append topic, workloads and the nemesis schedule for the
 * load phase; then heal, settle, final reads, checkers and the report. Owns every resource it creates and releases
 * them in {@code finally} (the fabric also has a shutdown hook). Randomness (seeded) and the clock are injected.
 */
public final class ChaosRun {
    static final String APPEND_TOPIC = "chaos-append";
    static final int APPEND_PARTITIONS = 4;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration FINISH = Duration.ofSeconds(90);
    private static final Set<ErrorCode> REFUSED_TOPIC_CONFIG = Set.of(ErrorCode.INVALID_CONFIG,
            ErrorCode.INVALID_REQUEST);

    private final RunConfig config;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final PrintStream progress;
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> facts = new LinkedHashMap<>();

    public ChaosRun(RunConfig config, RandomGenerator random, LongSupplier nanoClock, PrintStream progress) {
        this.config = config;
        this.random = random;
        this.nanoClock = nanoClock;
        this.progress = progress;
    }

    /** Runs with a {@code SplittableRandom} from the config's seed and {@code System::nanoTime}. */
    public static RunResult run(RunConfig config, PrintStream progress) throws Exception {
        return new ChaosRun(config, new java.util.SplittableRandom(config.seed()), System::nanoTime, progress)
                .execute();
    }

    public RunResult execute() throws Exception {
        Path runDir = config.reportRoot().resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern(
                "yyyyMMdd-HHmmss")) + "-seed" + config.seed());
        Files.createDirectories(runDir);
        long startedNanos = nanoClock.getAsLong();
        facts.put("seed", config.seed());
        facts.put("topology", config.topology().label());
        facts.put("workloads", config.workloads());
        facts.put("append_topic_config", config.appendTopicConfig());
        facts.put("durability", DurabilityPromise.of(config.appendTopicConfig()).reason());
        facts.put("node_settings", config.nodeSettings());
        facts.put("security", config.security().label());
        Optional.ofNullable(Tools.ensure(config.repositoryRoot())).ifPresent(notes::add);
        List<Nemesis> nemeses = Nemeses.parse(config.nemeses());
        NetworkFabric fabric = chooseFabric();
        facts.put("fabric", fabric.name());
        ChaosCluster cluster = null;
        NemesisContext nemesisContext = null;
        List<Nemesis> usable = new ArrayList<>();
        try {
            fabric.setUp(config.topology().nodeIds());
            int portOffset = fabric instanceof LoopbackFabric ? 10_000 + 3 * random.nextInt(3000) : 0;
            ChaosSecurity security = security(fabric, runDir);
            cluster = new ChaosCluster(config.topology(), fabric, new ProcessNodeRuntime(config.repositoryRoot(),
                    fabric), runDir, "chaos-" + Long.toHexString(config.seed()), portOffset, security);
            facts.put("node_runtime", "process");
            nemesisContext = new NemesisContext(cluster, random, APPEND_TOPIC, APPEND_PARTITIONS, runDir,
                    new LazyFsDisks(config.repositoryRoot(), runDir));
            usable = usableNemeses(nemeses, nemesisContext);
            cluster.startAll(config.nodeSettings());
            String unhealthy = cluster.awaitHealthy(Duration.ofSeconds(180));
            if (unhealthy != null) {
                throw new IllegalStateException("cluster did not become healthy (" + unhealthy + "); node logs in "
                        + runDir);
            }
            facts.put("startup_seconds", (nanoClock.getAsLong() - startedNanos) / 1_000_000_000L);
            createAppendTopic(cluster);
            security.grantWorkloadPrincipals(cluster, APPEND_TOPIC, Duration.ofSeconds(60));
            facts.put("setup_seconds", (nanoClock.getAsLong() - startedNanos) / 1_000_000_000L);
            List<Verdict> verdicts = loadAndCheck(runDir, cluster, security, usable, nemesisContext);
            facts.put("total_seconds", (nanoClock.getAsLong() - startedNanos) / 1_000_000_000L);
            RunResult result = new RunResult(config.seed(), runDir, verdicts, List.copyOf(notes));
            return result;
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            for (Nemesis nemesis : usable) {
                nemesis.close(nemesisContext);
            }
            if (nemesisContext != null) {
                nemesisContext.disks().close();
            }
            notes.addAll(fabric.notes());
            fabric.close();
            facts.put("notes", List.copyOf(notes));
            Files.writeString(runDir.resolve("run-notes.txt"), String.join("\n", notes) + "\n");
        }
    }

    /** The run's security; its certificates (if any) name the addresses the fabric gave the nodes. */
    private ChaosSecurity security(NetworkFabric fabric, Path runDir) throws IOException {
        Map<Integer, String> addresses = new LinkedHashMap<>();
        config.topology().nodeIds().forEach(id -> addresses.put(id, fabric.address(id)));
        return ChaosSecurity.create(config.security(), runDir.resolve("nodes").resolve("tls"), addresses);
    }

    private NetworkFabric chooseFabric() {
        Optional<String> reason = NamespaceFabric.unavailableReason();
        int tag = (int) ((ProcessHandle.current().pid() * 31 + System.nanoTime()) & 0xffff);
        if (reason.isEmpty()) {
            return new NamespaceFabric(tag);
        }
        notes.add("network namespaces unavailable (" + reason.get() + "): loopback addresses, process faults only");
        return new LoopbackFabric(10 + 10 * Math.floorMod(tag, 20), reason.get());
    }

    /**
     * Asks every nemesis whether it can run here (a power nemesis then claims the LazyFS disks), mounts LazyFS on the
     * data dirs if one did (before any nemesis prepares), then asks again and prepares those that can still run: a
     * failed mount makes the power nemeses unavailable with its reason, a successful one makes disk-full unavailable
     * (LazyFS hides a full disk).
     */
    private List<Nemesis> usableNemeses(List<Nemesis> nemeses, NemesisContext context) throws Exception {
        List<Nemesis> usable = new ArrayList<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
        nemeses.forEach(nemesis -> nemesis.unavailableReason(context));
        if (context.disks().required()) {
            try {
                context.disks().mountAll(context.cluster());
                facts.put("data_dirs", "LazyFS, one mount per node (" + LazyFsConfig.CACHE_MEGABYTES
                        + " MB cache each)");
            } catch (IOException | RuntimeException e) {
                notes.add("LazyFS not mounted, the power nemeses are skipped: " + e.getMessage());
            }
        }
        for (Nemesis nemesis : nemeses) {
            Optional<String> reason = nemesis.unavailableReason(context);
            if (reason.isPresent()) {
                unavailable.put(nemesis.name(), reason.get());
                continue;
            }
            nemesis.prepare(context);
            usable.add(nemesis);
        }
        facts.put("nemeses_used", usable.stream().map(Nemesis::name).toList());
        facts.put("nemeses_unavailable", unavailable);
        return usable;
    }

    private void createAppendTopic(ChaosCluster cluster) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Admin admin = cluster.admin(20_000)) {
            while (true) {
                try {
                    admin.createTopics(List.of(new NewTopic(APPEND_TOPIC, APPEND_PARTITIONS, 3,
                            config.appendTopicConfig())));
                    return;
                } catch (TopicExistsException e) {
                    return;
                } catch (SluiceException e) {
                    if (REFUSED_TOPIC_CONFIG.contains(e.errorCode())) {
                        // A configuration the product does not accept (yet) will not be accepted by retrying.
                        throw new IllegalArgumentException("the append topic's configuration "
                                + config.appendTopicConfig() + " was refused: " + e.getMessage(), e);
                    }
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleep(1_000);
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleep(1_000);
                }
            }
        }
    }

    private List<Verdict> loadAndCheck(Path runDir, ChaosCluster cluster, ChaosSecurity security,
            List<Nemesis> nemeses, NemesisContext nemesisContext) throws Exception {
        long origin = nanoClock.getAsLong();
        LongSupplier relative = () -> nanoClock.getAsLong() - origin;
        List<Op> history;
        List<dev.sluice.chaos.history.FaultEvent> faults;
        try (HistoryWriter writer = new HistoryWriter(runDir.resolve("history.jsonl"), relative);
                FaultTimeline timeline = new FaultTimeline(runDir.resolve("faults.jsonl"), relative)) {
            WorkloadContext context = new WorkloadContext(writer, cluster.bootstrapServers(),
                    cluster.kafkaBootstrapServers(), security, random, APPEND_TOPIC, APPEND_PARTITIONS);
            List<Workload> workloads = new ArrayList<>();
            config.workloads().forEach(name -> workloads.add(Workloads.create(name, context)));
            List<NemesisSchedule.Window> plan = NemesisSchedule.plan(random, nemeses.size(), config.load().toMillis(),
                    5_000, config.faultMin().toMillis(), config.faultMax().toMillis(), config.quiet().toMillis());
            NemesisRunner nemesisRunner = new NemesisRunner(nemeses, plan, nemesisContext, timeline,
                    () -> relative.getAsLong() / 1_000_000);
            try {
                workloads.forEach(Workload::start);
                Thread nemesisThread = new Thread(nemesisRunner, "chaos-nemesis");
                nemesisThread.start();
                runLoadPhase(writer, nemesisRunner, relative);
                nemesisRunner.stop();
                nemesisThread.join(Duration.ofSeconds(120).toMillis());
                healEverything(cluster);
                workloads.forEach(Workload::stopLoad);
                progress.println("chaos: load phase over; settling (bounded " + SETTLE.toSeconds() + " s)");
                long settleStartNanos = nanoClock.getAsLong();
                String unhealthy = cluster.awaitHealthy(SETTLE);
                facts.put("settle_seconds", (nanoClock.getAsLong() - settleStartNanos) / 1_000_000_000L);
                if (unhealthy != null) {
                    notes.add("cluster not fully healthy " + SETTLE.toSeconds() + " s after heal: " + unhealthy);
                }
                for (Workload workload : workloads) {
                    Optional.ofNullable(workload.finish(FINISH)).ifPresent(notes::add);
                }
            } finally {
                workloads.forEach(Workload::close);
            }
            writer.flush();
            history = writer.ops();
            faults = timeline.events();
        }
        List<Verdict> verdicts = new ArrayList<>();
        DurabilityPromise promise = DurabilityPromise.of(config.appendTopicConfig());
        PowerLosses powerLosses = PowerLosses.from(faults);
        for (String workload : config.workloads()) {
            verdicts.add(CheckerRegistry.forWorkload(workload, promise, powerLosses).check(history));
        }
        facts.put("load_seconds", config.load().toSeconds());
        facts.put("op_count", history.size());
        facts.put("op_counts", countByWorkload(history));
        facts.put("fault_count", faults.size() / 2);
        facts.put("notes", List.copyOf(notes));
        facts.put("fabric_notes", cluster.fabric().notes());
        ReportWriter.write(runDir, facts, history, faults, verdicts);
        return verdicts;
    }

    private void runLoadPhase(HistoryWriter writer, NemesisRunner nemesisRunner, LongSupplier relative) {
        long endNanos = config.load().toNanos();
        long nextProgress = 0;
        while (relative.getAsLong() < endNanos) {
            if (relative.getAsLong() >= nextProgress) {
                progress.printf("chaos: seed=%d t=%ds ops=%d fault=%s%n", config.seed(),
                        relative.getAsLong() / 1_000_000_000L, writer.ops().size(), nemesisRunner.currentFault());
                nextProgress += 10_000_000_000L;
            }
            sleep(200);
        }
    }

    private void healEverything(ChaosCluster cluster) throws IOException {
        cluster.fabric().healLinks();
        cluster.restartDead();
    }

    private static Map<String, Long> countByWorkload(List<Op> history) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Op op : history) {
            counts.merge(dev.sluice.chaos.report.Timeline.workloadOf(op.process()), 1L, Long::sum);
        }
        return counts;
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
