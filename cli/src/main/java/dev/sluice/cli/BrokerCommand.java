package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicListing;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice broker drain}. */
@Command(name = "broker", mixinStandardHelpOptions = true, description = "Broker administration.",
        subcommands = BrokerCommand.Drain.class)
public final class BrokerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: drain");
    }

    /**
     * Moves every partition replica off the given brokers, so that they can be removed (a StatefulSet scaled down)
     * without losing a replica: plans the moves ({@link DrainPlan}), adds the new replicas, waits (printing progress)
     * until each is in the ISR, then drops the drained ones. Idempotent: run again, it finishes what an interrupted
     * run started and reports nothing left to move once done.
     */
    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Move every partition replica off brokers before removing them.")
    static final class Drain implements Callable<Integer> {
        private static final long POLL_MS = 500;
        private static final long PROGRESS_EVERY_MS = 10_000;

        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Option(names = "--ids", required = true, split = ",", paramLabel = "ID,...",
                description = "The brokers to empty.")
        Set<Integer> ids;
        @Option(names = "--dry-run", description = "Print the plan and change nothing.")
        boolean dryRun;
        @Option(names = "--timeout-ms", defaultValue = "3600000",
                description = "How long to wait for the new replicas to catch up (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                DrainPlan plan = DrainPlan.plan(admin.describeCluster().brokers(), partitions(admin),
                        new LinkedHashSet<>(ids));
                if (plan.moves().isEmpty()) {
                    out.println("Nothing to move: no partition has a replica on brokers " + ids + ".");
                    out.flush();
                    return 0;
                }
                Table table = new Table("TOPIC", "PARTITION", "FROM", "TO");
                plan.moves().forEach(m -> table.row(m.topic(), m.partition(), m.from(), m.to()));
                out.println("Plan: " + plan.moves().size() + " partitions to move off brokers " + ids);
                table.print(out);
                if (!dryRun) {
                    execute(admin, plan.moves(), out);
                }
            }
            out.flush();
            return 0;
        }

        private void execute(Admin admin, List<DrainPlan.Move> moves, PrintWriter out) throws InterruptedException {
            for (DrainPlan.Move move : moves) {
                admin.reassignPartition(move.topic(), move.partition(), move.to(), false);
            }
            out.println("Added the new replicas; waiting for them to catch up.");
            out.flush();
            Map<String, DrainPlan.Move> pending = new LinkedHashMap<>();
            moves.forEach(m -> pending.put(m.topic() + "-" + m.partition(), m));
            long start = System.nanoTime();
            long deadline = start + timeoutMs * 1_000_000;
            long nextProgress = start + PROGRESS_EVERY_MS * 1_000_000;
            int done = 0;
            while (!pending.isEmpty()) {
                Map<String, PartitionDescription> now = describe(admin, pending.values());
                for (var it = pending.entrySet().iterator(); it.hasNext();) {
                    var entry = it.next();
                    DrainPlan.Move move = entry.getValue();
                    PartitionDescription state = now.get(entry.getKey());
                    if (state != null && state.isr().containsAll(move.to())) {
                        admin.reassignPartition(move.topic(), move.partition(), move.to(), true);
                        done++;
                        out.printf("[%d/%d] moved %s: %s -> %s%n", done, moves.size(), entry.getKey(), move.from(),
                                move.to());
                        it.remove();
                    }
                }
                out.flush();
                if (pending.isEmpty()) {
                    break;
                }
                long nanos = System.nanoTime();
                if (nanos > deadline) {
                    throw new IllegalStateException(pending.size() + " partitions not caught up after " + timeoutMs
                            + " ms (first: " + pending.keySet().iterator().next()
                            + "); run the command again to continue");
                }
                if (nanos > nextProgress) {
                    String first = pending.keySet().iterator().next();
                    PartitionDescription state = now.get(first);
                    out.printf("waiting for %d partitions to catch up (%s: isr %s)%n", pending.size(), first,
                            state == null ? "?" : state.isr());
                    out.flush();
                    nextProgress = nanos + PROGRESS_EVERY_MS * 1_000_000;
                }
                Thread.sleep(POLL_MS);
            }
            out.printf("Done: brokers %s hold no replicas (%d s).%n", ids, (System.nanoTime() - start) / 1_000_000_000);
        }

        private static List<DrainPlan.PartitionReplicas> partitions(Admin admin) {
            Map<String, Integer> replicationFactors = new HashMap<>();
            for (TopicListing listing : admin.listTopics(true)) {
                replicationFactors.put(listing.name(), listing.replicationFactor());
            }
            List<DrainPlan.PartitionReplicas> partitions = new ArrayList<>();
            for (TopicDescription topic : admin.describeTopics(replicationFactors.keySet()).values()) {
                for (PartitionDescription p : topic.partitions()) {
                    partitions.add(new DrainPlan.PartitionReplicas(topic.name(), p.partition(), p.replicas(),
                            replicationFactors.get(topic.name())));
                }
            }
            return partitions;
        }

        private static Map<String, PartitionDescription> describe(Admin admin, Iterable<DrainPlan.Move> moves) {
            Set<String> topics = new LinkedHashSet<>();
            moves.forEach(m -> topics.add(m.topic()));
            Map<String, PartitionDescription> byName = new HashMap<>();
            for (TopicDescription topic : admin.describeTopics(topics).values()) {
                topic.partitions().forEach(p -> byName.put(topic.name() + "-" + p.partition(), p));
            }
            return byName;
        }
    }
}
