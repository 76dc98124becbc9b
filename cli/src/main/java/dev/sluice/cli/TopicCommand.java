package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.NewTopic;
import dev.sluice.client.PartitionDescription;
import dev.sluice.client.TopicDescription;
import dev.sluice.client.TopicListing;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice topic create|list|describe|delete|alter}. */
@Command(name = "topic", mixinStandardHelpOptions = true,
        description = "Create, list, describe, alter and delete topics.",
        subcommands = {TopicCommand.Create.class, TopicCommand.ListTopics.class, TopicCommand.Describe.class,
            TopicCommand.Delete.class, TopicCommand.Alter.class})
public final class TopicCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: create, list, describe, delete or alter");
    }

    static Admin admin(BrokerOptions brokers) {
        return Admin.create(brokers.clientConfig());
    }

    /** {@code sluice topic create T --partitions N --replication-factor R --config k=v}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;
        @Option(names = "--partitions", paramLabel = "N", description = "Partition count (default: the broker's).")
        Integer partitions;
        @Option(names = "--replication-factor", paramLabel = "R",
                description = "Replicas per partition (default: the broker's).")
        Integer replicationFactor;
        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A topic config; repeatable.")
        Map<String, String> configs = new LinkedHashMap<>();

        @Override
        public Integer call() {
            NewTopic newTopic = new NewTopic(topic, atLeastOne("--partitions", partitions),
                    atLeastOne("--replication-factor", replicationFactor), configs);
            try (Admin admin = admin(brokers)) {
                admin.createTopics(List.of(newTopic));
            }
            spec.commandLine().getOut().println("created topic " + topic);
            return 0;
        }

        /** The option's value, or empty when it was not given (the broker's default); 0 and below are refused. */
        private OptionalInt atLeastOne(String option, Integer value) {
            if (value == null) {
                return OptionalInt.empty();
            }
            if (value < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be at least 1, got " + value
                        + " (leave it out for the broker's default)");
            }
            return OptionalInt.of(value);
        }
    }

    /** {@code sluice topic list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List topics.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Option(names = "--internal", description = "Include internal topics.")
        boolean internal;

        @Override
        public Integer call() {
            List<TopicListing> topics;
            try (Admin admin = admin(brokers)) {
                topics = admin.listTopics(internal);
            }
            Table table = new Table("TOPIC", "PARTITIONS", "REPLICATION", "ID");
            topics.forEach(t -> table.row(t.name() + (t.internal() ? " (internal)" : ""), t.partitions(),
                    t.replicationFactor(), t.topicId()));
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code sluice topic describe T...}. */
    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe topics.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topic names.")
        List<String> topics = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, TopicDescription> described;
            try (Admin admin = admin(brokers)) {
                described = admin.describeTopics(topics);
            }
            PrintWriter out = spec.commandLine().getOut();
            boolean first = true;
            for (TopicDescription topic : described.values()) {
                if (!first) {
                    out.println();
                }
                first = false;
                print(out, topic);
            }
            out.flush();
            return 0;
        }

        private static void print(PrintWriter out, TopicDescription topic) {
            String configs = new TreeMap<>(topic.configs()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            out.println("Topic: " + topic.name() + "  Id: " + topic.topicId() + "  Partitions: "
                    + topic.partitions().size() + "  Configs: " + (configs.isEmpty() ? "-" : configs));
            Table table = new Table("PARTITION", "LEADER", "EPOCH", "REPLICAS", "ISR", "LOG-START", "LOG-END",
                    "HIGH-WATERMARK");
            for (PartitionDescription p : topic.partitions()) {
                table.row(p.partition(), p.leader() < 0 ? "none" : p.leader(), p.leaderEpoch(), ids(p.replicas()),
                        ids(p.isr()), offset(p.logStartOffset()), offset(p.logEndOffset()), offset(p.highWatermark()));
            }
            table.print(out);
        }

        private static String ids(List<Integer> ids) {
            return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        }

        private static String offset(long offset) {
            return offset < 0 ? "-" : Long.toString(offset);
        }
    }

    /** {@code sluice topic delete T...}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topic names.")
        List<String> topics = new ArrayList<>();

        @Override
        public Integer call() {
            try (Admin admin = admin(brokers)) {
                admin.deleteTopics(topics);
            }
            topics.forEach(t -> spec.commandLine().getOut().println("deleted topic " + t));
            return 0;
        }
    }

    /** {@code sluice topic alter T --config k=v --delete-config k}. */
    @Command(name = "alter", mixinStandardHelpOptions = true, description = "Set or remove topic configs.")
    static final class Alter implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;
        @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A config to set; repeatable.")
        Map<String, String> set = new LinkedHashMap<>();
        @Option(names = "--delete-config", paramLabel = "KEY", description = "A config to remove; repeatable.")
        List<String> delete = new ArrayList<>();

        @Override
        public Integer call() {
            if (set.isEmpty() && delete.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "nothing to alter: give --config or --delete-config");
            }
            try (Admin admin = admin(brokers)) {
                admin.alterConfigs(topic, set, delete);
            }
            spec.commandLine().getOut().println("altered topic " + topic);
            return 0;
        }
    }
}
