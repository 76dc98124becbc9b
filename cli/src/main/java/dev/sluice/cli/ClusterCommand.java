package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.BrokerNode;
import dev.sluice.client.ClusterDescription;
import dev.sluice.client.ReplicaState;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicListing;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice cluster info}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Cluster state.",
        subcommands = ClusterCommand.Info.class)
public final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: info");
    }

    /**
     * Prints cluster id, controller, brokers and the metadata quorum, then the under-replicated (ISR smaller than
     * the replicas) and offline (no leader) partitions.
     */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Show brokers, controller, quorum, under-replicated and offline partitions.")
    static final class Info implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ClusterDescription cluster;
            List<TopicDescription> topics;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                cluster = fromLeader(admin.describeCluster());
                List<String> names = admin.listTopics(true).stream().map(TopicListing::name).sorted().toList();
                topics = names.isEmpty() ? List.of() : new ArrayList<>(admin.describeTopics(names).values());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Cluster: " + cluster.clusterId() + "  Controller: " + node(cluster.controllerId()));
            out.println();
            Table table = new Table("BROKER", "HOST", "PORT", "RACK", "STATE");
            for (BrokerNode broker : cluster.brokers()) {
                table.row(broker.id(), broker.host(), broker.port(), broker.rack().isEmpty() ? "-" : broker.rack(),
                        broker.fenced() ? "fenced" : "active");
            }
            table.print(out);
            out.println();
            out.println("Quorum: leader " + node(cluster.quorum().leaderId()) + "  epoch "
                    + cluster.quorum().leaderEpoch() + "  high watermark " + cluster.quorum().highWatermark());
            Table quorum = new Table("NODE", "ROLE", "LOG-END", "LAG", "LAST-CAUGHT-UP");
            cluster.quorum().voters().forEach(v -> row(quorum, v, v.nodeId() == cluster.quorum().leaderId()
                    ? "leader" : "voter"));
            cluster.quorum().observers().forEach(v -> row(quorum, v, "observer"));
            quorum.print(out);
            printPartitions(out, "Under-replicated", topics, p -> p.isr().size() < p.replicas().size());
            printPartitions(out, "Offline", topics, p -> p.leader() < 0);
            return 0;
        }

        /** The count of partitions that {@code matches} selects, then a table of them when there are any. */
        private static void printPartitions(PrintWriter out, String what, List<TopicDescription> topics,
                Predicate<PartitionDescription> matches) {
            Table table = new Table("TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR");
            int count = 0;
            for (TopicDescription topic : topics) {
                for (PartitionDescription partition : topic.partitions()) {
                    if (matches.test(partition)) {
                        count++;
                        table.row(topic.name(), partition.partition(), node(partition.leader()),
                                join(partition.replicas()), join(partition.isr()));
                    }
                }
            }
            out.println();
            out.println(what + " partitions: " + count);
            if (count > 0) {
                table.print(out);
            }
        }

        private static String join(List<Integer> ids) {
            return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        }

        /**
         * Replica lags are known on the quorum leader only; when the leader is also a broker, ask it directly so
         * the table shows every voter's lag. Falls back to the first answer when the leader cannot be reached.
         */
        private ClusterDescription fromLeader(ClusterDescription first) {
            int leaderId = first.quorum().leaderId();
            BrokerNode leader = first.brokers().stream().filter(b -> b.id() == leaderId).findFirst().orElse(null);
            if (leader == null) {
                return first;
            }
            java.util.Map<String, Object> config = new java.util.HashMap<>(brokers.clientConfig());
            config.put("bootstrap.servers", leader.host() + ":" + leader.port());
            try (Admin admin = Admin.create(config)) {
                ClusterDescription fromLeader = admin.describeCluster();
                return fromLeader.quorum().leaderId() == leaderId ? fromLeader : first;
            } catch (RuntimeException e) {
                return first;
            }
        }

        private static void row(Table table, ReplicaState state, String role) {
            table.row(state.nodeId(), role, state.logEndOffset(), state.lag(),
                    state.lastCaughtUpMsAgo() < 0 ? "-" : state.lastCaughtUpMsAgo() + " ms ago");
        }

        private static String node(int id) {
            return id < 0 ? "none" : Integer.toString(id);
        }
    }
}
