package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.client.ClientQuotaEntry;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice quota set|remove|list}: client quotas (docs/security.md, "Quotas"), with Kafka's entities and key
 * names, as {@code kafka-configs --entity-type users/clients}: {@code --for-user}, {@code --for-client-id} or both,
 * each either a name or its default ({@code --for-default-user}, {@code --for-default-client-id}). ({@code --user} is
 * taken: it is who the command itself logs in as.)
 */
@Command(name = "quota", mixinStandardHelpOptions = true,
        description = "Set, remove and list client quotas (producer_byte_rate, consumer_byte_rate, "
                + "request_percentage) per user and client id; clients over a quota are throttled.",
        subcommands = {QuotaCommand.Set.class, QuotaCommand.Remove.class, QuotaCommand.ListQuotas.class})
public final class QuotaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: set, remove or list");
    }

    /** The entity: a user (or the default user), a client id (or the default), or both. */
    static final class Entity {
        @ArgGroup(exclusive = true)
        User user;
        @ArgGroup(exclusive = true)
        Client client;

        static final class User {
            @Option(names = "--for-user", paramLabel = "USER",
                    description = "a user: the principal's name without User:")
            String name;
            @Option(names = "--for-default-user",
                    description = "the default of every user without a quota of its own")
            boolean defaultUser;
        }

        static final class Client {
            @Option(names = "--for-client-id", paramLabel = "ID", description = "a client id")
            String name;
            @Option(names = "--for-default-client-id",
                    description = "the default of every client id without a quota of its own")
            boolean defaultClient;
        }

        String user() {
            return user == null ? null : user.defaultUser ? "<default>" : stripUserType(user.name);
        }

        String clientId() {
            return client == null ? null : client.defaultClient ? "<default>" : client.name;
        }

        String describe() {
            return new ClientQuotaEntry(user(), clientId(), Map.of()).entity();
        }
    }

    /** {@code sluice quota set --for-user alice producer_byte_rate=1048576 consumer_byte_rate=2097152}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set quotas of a user and/or client id: KEY=VALUE, e.g. producer_byte_rate=1048576 "
                    + "(bytes/s), consumer_byte_rate=2097152 (bytes/s), request_percentage=50 (%).")
    static final class Set implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Entity entity;
        @Parameters(arity = "1..*", paramLabel = "KEY=VALUE", description = "the quotas to set")
        List<String> values = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, Double> set = new LinkedHashMap<>();
            for (String value : values) {
                int equals = value.indexOf('=');
                if (equals <= 0) {
                    throw new ParameterException(spec.commandLine(), "expected KEY=VALUE, not '" + value + "'");
                }
                try {
                    set.put(value.substring(0, equals).trim(), Double.parseDouble(value.substring(equals + 1).trim()));
                } catch (NumberFormatException e) {
                    throw new ParameterException(spec.commandLine(), "not a number: '" + value + "'");
                }
            }
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                admin.alterClientQuotas(entity.user(), entity.clientId(), set, List.of());
            }
            PrintWriter out = spec.commandLine().getOut();
            set.forEach((key, value) -> out.println("set " + key + "=" + format(value) + " for " + entity.describe()));
            out.flush();
            return 0;
        }
    }

    /** {@code sluice quota remove --for-user alice [KEY...]}: the keys given, or every key set on the entity. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove quotas of a user and/or client id: the keys given, or all of them.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Entity entity;
        @Parameters(arity = "0..*", paramLabel = "KEY", description = "the keys to remove (default: all)")
        List<String> keys = new ArrayList<>();

        @Override
        public Integer call() {
            List<String> removed = new ArrayList<>(keys);
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                if (removed.isEmpty()) {
                    admin.describeClientQuotas(entity.user(), entity.clientId())
                            .stream().filter(e -> Objects.equals(e.user(), entity.user())
                                    && Objects.equals(e.clientId(), entity.clientId()))
                            .forEach(e -> removed.addAll(e.values().keySet()));
                }
                if (!removed.isEmpty()) {
                    admin.alterClientQuotas(entity.user(), entity.clientId(), Map.of(), removed);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (removed.isEmpty()) {
                out.println("no quota set for " + entity.describe());
            }
            removed.forEach(key -> out.println("removed " + key + " for " + entity.describe()));
            out.flush();
            return 0;
        }
    }

    /** {@code sluice quota list [--for-user U] [--for-client-id C]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List client quotas (filtered by entity).")
    static final class ListQuotas implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = false)
        Entity entity;

        @Override
        public Integer call() {
            List<ClientQuotaEntry> entries;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                entries = admin.describeClientQuotas(entity == null ? null : entity.user(),
                        entity == null ? null : entity.clientId());
            }
            Table table = new Table("USER", "CLIENT-ID", "KEY", "VALUE");
            for (ClientQuotaEntry entry : entries) {
                new TreeMap<>(entry.values()).forEach((key, value) -> table.row(
                        entry.user() == null ? "" : entry.user(), entry.clientId() == null ? "" : entry.clientId(),
                        key, format(value)));
            }
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code User:alice} and {@code alice} name the same user: quotas use the name without the type. */
    static String stripUserType(String user) {
        return user.startsWith("User:") ? user.substring("User:".length()) : user;
    }

    static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }
}
