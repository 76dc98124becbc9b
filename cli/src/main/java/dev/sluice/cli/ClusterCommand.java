package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.BrokerNode;
import dev.sluice.client.ClusterDescription;
import dev.sluice.client.ReplicaState;
import java.io.PrintWriter;
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

    /** Prints cluster id, controller, brokers and the metadata quorum. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Show brokers, controller and quorum.")
    static final class Info implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ClusterDescription cluster;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                cluster = fromLeader(admin.describeCluster());
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
            return 0;
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
