package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ConsumerGroupDescription;
import dev.sluice.client.ConsumerGroupListing;
import dev.sluice.client.OffsetResetSpec;
import dev.sluice.client.TopicPartition;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice group list|describe|reset-offsets|delete}. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "List, describe, reset the offsets of and delete consumer groups.",
        subcommands = {GroupCommand.ListGroups.class, GroupCommand.Describe.class, GroupCommand.ResetOffsets.class,
            GroupCommand.Delete.class})
public final class GroupCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: list, describe, reset-offsets or delete");
    }

    /** {@code sluice group list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer groups.")
    static final class ListGroups implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<ConsumerGroupListing> groups;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                groups = admin.listGroups();
            }
            Table table = new Table("GROUP", "STATE", "MEMBERS");
            groups.forEach(g -> table.row(g.groupId(), g.state(), g.members()));
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code sluice group describe G}: members, and per partition owner, committed offset, log end and lag. */
    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Describe a consumer group.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                ConsumerGroupDescription described = admin.describeGroup(group);
                if (described.state().equals("Dead")) {
                    throw new ParameterException(spec.commandLine(), "group " + group + " does not exist");
                }
                out.println("Group: " + group + "  State: " + described.state() + "  Epoch: "
                        + described.groupEpoch() + "  Assignor: "
                        + (described.assignor().isEmpty() ? "-" : described.assignor())
                        + "  Members: " + described.members().size());
                Map<TopicPartition, String> owners = new HashMap<>();
                TreeSet<TopicPartition> partitions = new TreeSet<>(java.util.Comparator
                        .comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
                partitions.addAll(described.committed().keySet());
                if (!described.members().isEmpty()) {
                    out.println();
                    Table members = new Table("MEMBER", "INSTANCE", "CLIENT", "EPOCH", "ASSIGNMENT", "REVOKING");
                    for (ConsumerGroupDescription.Member m : described.members()) {
                        members.row(m.memberId(), m.instanceId().isEmpty() ? "-" : m.instanceId(), m.clientId(),
                                m.memberEpoch(), names(m.assignment()), names(m.pendingRevocation()));
                        m.assignment().forEach(tp -> owners.put(tp, m.clientId()));
                        partitions.addAll(m.assignment());
                    }
                    members.print(out);
                }
                Map<TopicPartition, Long> specs = new LinkedHashMap<>();
                partitions.forEach(tp -> specs.put(tp, -1L));
                Map<TopicPartition, Long> ends = specs.isEmpty() ? Map.of() : admin.listOffsets(specs);
                out.println();
                Table table = new Table("TOPIC", "PARTITION", "OWNER", "COMMITTED", "LOG-END", "LAG");
                for (TopicPartition tp : partitions) {
                    Long committed = described.committed().get(tp);
                    Long end = ends.get(tp);
                    table.row(tp.topic(), tp.partition(), owners.getOrDefault(tp, "-"),
                            committed == null ? "-" : committed, end == null ? "-" : end,
                            committed == null || end == null ? "-" : Math.max(0, end - committed));
                }
                table.print(out);
            }
            out.flush();
            return 0;
        }

        private static String names(List<TopicPartition> partitions) {
            return partitions.isEmpty() ? "-" : partitions.stream().map(tp -> tp.topic() + "-" + tp.partition())
                    .collect(Collectors.joining(","));
        }
    }

    /** {@code sluice group reset-offsets G --topic T --to-earliest|...}; refused while the group has members. */
    @Command(name = "reset-offsets", mixinStandardHelpOptions = true,
            description = "Move a group's committed offsets of a topic (the group must have no active members).")
    static final class ResetOffsets implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;
        @Option(names = "--topic", required = true, paramLabel = "TOPIC")
        String topic;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--to-earliest")
            boolean earliest;
            @Option(names = "--to-latest")
            boolean latest;
            @Option(names = "--to-offset", paramLabel = "N")
            Long offset;
            @Option(names = "--to-datetime", paramLabel = "TIME", description = "ISO-8601, e.g. 2026-01-31T12:00:00Z")
            String datetime;
            @Option(names = "--shift-by", paramLabel = "N")
            Long shift;
        }

        @Override
        public Integer call() {
            OffsetResetSpec resetSpec = spec();
            Map<TopicPartition, Long> offsets;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                offsets = admin.resetOffsets(group, topic, resetSpec);
            }
            Table table = new Table("TOPIC", "PARTITION", "NEW-OFFSET");
            offsets.forEach((tp, offset) -> table.row(tp.topic(), tp.partition(), offset));
            table.print(spec.commandLine().getOut());
            return 0;
        }

        private OffsetResetSpec spec() {
            if (target.earliest) {
                return new OffsetResetSpec.Earliest();
            }
            if (target.latest) {
                return new OffsetResetSpec.Latest();
            }
            if (target.offset != null) {
                return new OffsetResetSpec.ToOffset(target.offset);
            }
            if (target.shift != null) {
                return new OffsetResetSpec.ShiftBy(target.shift);
            }
            try {
                return new OffsetResetSpec.ToTimestamp(parseTime(target.datetime).toEpochMilli());
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "bad --to-datetime '" + target.datetime
                        + "': use ISO-8601 like 2026-01-31T12:00:00Z");
            }
        }

        private static Instant parseTime(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(text).toInstant();
            }
        }
    }

    /** {@code sluice group delete G}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a group without active members and its committed offsets.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Override
        public Integer call() {
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                admin.deleteGroup(group);
            }
            spec.commandLine().getOut().println("deleted group " + group);
            return 0;
        }
    }
}
