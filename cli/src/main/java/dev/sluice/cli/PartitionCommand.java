package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.PartitionDescription;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice partition reassign}. */
@Command(name = "partition", mixinStandardHelpOptions = true, description = "Partition administration.",
        subcommands = PartitionCommand.Reassign.class)
public final class PartitionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: reassign");
    }

    /**
     * Moves a partition to new replicas: adds them, waits (printing progress) until every one is in the ISR, then
     * drops the old ones.
     */
    @Command(name = "reassign", mixinStandardHelpOptions = true,
            description = "Move a partition to new replicas: add them, wait until they are in sync, drop the old.")
    static final class Reassign implements Callable<Integer> {
        private static final long POLL_MS = 500;

        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Option(names = "--topic", required = true, description = "Topic.")
        String topic;
        @Option(names = "--partition", required = true, description = "Partition index.")
        int partition;
        @Option(names = "--replicas", required = true, split = ",", paramLabel = "ID,...",
                description = "The new replicas; the first is the preferred leader.")
        List<Integer> replicas;
        @Option(names = "--timeout-ms", defaultValue = "600000",
                description = "How long to wait for the new replicas to catch up (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                out.println("Before: " + describe(current(admin)));
                admin.reassignPartition(topic, partition, replicas, false);
                long deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000;
                PartitionDescription now = current(admin);
                out.println("Adding: " + describe(now));
                while (!now.isr().containsAll(replicas)) {
                    if (System.nanoTime() > deadlineNanos) {
                        throw new IllegalStateException("replicas " + replicas + " not in the ISR " + now.isr()
                                + " after " + timeoutMs + " ms; run the command again to continue");
                    }
                    Thread.sleep(POLL_MS);
                    PartitionDescription next = current(admin);
                    if (!next.isr().equals(now.isr())) {
                        out.println("In sync: " + describe(next));
                    }
                    now = next;
                }
                admin.reassignPartition(topic, partition, replicas, true);
                out.println("Done:   " + describe(current(admin)));
            }
            out.flush();
            return 0;
        }

        private PartitionDescription current(Admin admin) {
            return admin.describeTopics(List.of(topic)).get(topic).partitions().stream()
                    .filter(p -> p.partition() == partition).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("partition " + topic + "-" + partition
                            + " does not exist"));
        }

        private static String describe(PartitionDescription p) {
            return "leader " + (p.leader() < 0 ? "none" : Integer.toString(p.leader())) + "  replicas "
                    + p.replicas() + "  isr " + p.isr();
        }
    }
}
