package dev.sluice.cli;

import dev.sluice.client.Admin;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.PatternType;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice acl add|remove|list}: the cluster's ACLs (docs/security.md, "Authorization"), with Kafka's semantics
 * and names. A principal without a type ({@code orders}) means {@code User:orders}.
 */
@Command(name = "acl", mixinStandardHelpOptions = true,
        description = "Add, remove and list ACLs (checked by brokers with authorizer.enabled=true).",
        subcommands = {AclCommand.Add.class, AclCommand.Remove.class, AclCommand.ListAcls.class})
public final class AclCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: add, remove or list");
    }

    /** The resource options: exactly one of them for add, at most one for remove and list. */
    static final class Resource {
        @Option(names = "--topic", paramLabel = "TOPIC", description = "a topic ('*': every topic)")
        String topic;
        @Option(names = "--group", paramLabel = "GROUP", description = "a consumer group ('*': every group)")
        String group;
        @Option(names = "--cluster", description = "the cluster (topic creation, ACL changes, replica fetch, ...)")
        boolean cluster;
        @Option(names = "--transactional-id", paramLabel = "ID", description = "a transactional id")
        String transactionalId;

        ResourceType type() {
            return topic != null ? ResourceType.TOPIC : group != null ? ResourceType.GROUP
                    : cluster ? ResourceType.CLUSTER : ResourceType.TRANSACTIONAL_ID;
        }

        String name() {
            return topic != null ? topic : group != null ? group : cluster ? ResourcePattern.CLUSTER_NAME
                    : transactionalId;
        }
    }

    /** Options every subcommand shares. */
    static final class Selection {
        @Option(names = "--principal", paramLabel = "PRINCIPAL",
                description = "User:name (or just name), e.g. User:orders; User:* is every principal")
        List<String> principals = new ArrayList<>();
        @Option(names = "--operation", paramLabel = "OPERATION", split = ",",
                description = "all, read, write, create, delete, alter, describe, describe-configs, alter-configs, "
                        + "idempotent-write, cluster-action")
        List<String> operations = new ArrayList<>();
        @Option(names = "--host", paramLabel = "IP", description = "the client address the ACL applies to ('*')")
        String host;
        @Option(names = "--prefixed", description = "the resource name is a prefix: every name starting with it")
        boolean prefixed;
    }

    /** {@code --allow} (the default for add) or {@code --deny}. */
    static final class Permission {
        @Option(names = "--allow", description = "grant (the default when adding)")
        boolean allow;
        @Option(names = "--deny", description = "refuse; a DENY wins over every ALLOW")
        boolean deny;

        AclPermission value() {
            return deny ? AclPermission.DENY : AclPermission.ALLOW;
        }
    }

    /** {@code sluice acl add --principal P --operation OP --topic T [--prefixed] [--deny] [--host IP]}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add ACLs (one per principal and operation).")
    static final class Add implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Resource resource;
        @ArgGroup(exclusive = true)
        Permission permission;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Selection selection;

        @Override
        public Integer call() {
            if (selection.principals.isEmpty() || selection.operations.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "add needs --principal and --operation");
            }
            AclPermission allowOrDeny = permission == null ? AclPermission.ALLOW : permission.value();
            ResourcePattern pattern = new ResourcePattern(resource.type(), resource.name(),
                    selection.prefixed ? PatternType.PREFIXED : PatternType.LITERAL);
            List<AclBinding> acls = new ArrayList<>();
            for (String principal : selection.principals) {
                for (String operation : selection.operations) {
                    acls.add(new AclBinding(pattern, new AclEntry(principal(principal),
                            selection.host == null ? AclEntry.ANY_HOST : selection.host,
                            AclOperation.parse(operation), allowOrDeny)));
                }
            }
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                admin.createAcls(acls);
            }
            PrintWriter out = spec.commandLine().getOut();
            acls.forEach(acl -> out.println("added " + describe(acl)));
            out.flush();
            return 0;
        }
    }

    /** {@code sluice acl remove --topic T [--principal P] [--operation OP] ...}: every matching ACL. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove the ACLs of a resource that match the options given (omitted: any).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "1")
        Resource resource;
        @ArgGroup(exclusive = true)
        Permission permission;
        @ArgGroup(exclusive = false)
        Selection selection = new Selection();

        @Override
        public Integer call() {
            List<AclBinding> removed;
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                removed = admin.deleteAcls(filters(resource, permission, selection));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (removed.isEmpty()) {
                out.println("no ACL matched");
            }
            removed.forEach(acl -> out.println("removed " + describe(acl)));
            out.flush();
            return 0;
        }
    }

    /** {@code sluice acl list [--topic T|--group G|--cluster] [--principal P]}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List ACLs (filtered by the options).")
    static final class ListAcls implements Callable<Integer> {
        @Mixin
        BrokerOptions brokers;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = true)
        Resource resource;
        @ArgGroup(exclusive = true)
        Permission permission;
        @ArgGroup(exclusive = false)
        Selection selection = new Selection();

        @Override
        public Integer call() {
            List<AclBinding> acls = new ArrayList<>();
            try (Admin admin = Admin.create(brokers.clientConfig())) {
                for (AclBindingFilter filter : filters(resource, permission, selection)) {
                    acls.addAll(admin.describeAcls(filter));
                }
            }
            acls.sort(Comparator.comparing((AclBinding a) -> a.pattern().type()).thenComparing(a -> a.pattern().name())
                    .thenComparing(a -> a.entry().principal()).thenComparing(a -> a.entry().operation()));
            Table table = new Table("PERMISSION", "PRINCIPAL", "OPERATION", "RESOURCE", "NAME", "PATTERN", "HOST");
            acls.forEach(a -> table.row(a.entry().permission(), a.entry().principal(), a.entry().operation(),
                    a.pattern().type(), a.pattern().name(), a.pattern().patternType(), a.entry().host()));
            table.print(spec.commandLine().getOut());
            return 0;
        }
    }

    /** One filter per principal and operation given (one for any when none is). */
    static List<AclBindingFilter> filters(Resource resource, Permission permission, Selection selection) {
        ResourceType type = resource == null ? null : resource.type();
        String name = resource == null ? null : resource.name();
        PatternType patternType = selection.prefixed ? PatternType.PREFIXED : resource == null ? null
                : PatternType.LITERAL;
        AclPermission allowOrDeny = permission == null ? null : permission.value();
        List<String> principals = selection.principals.isEmpty() ? java.util.Arrays.asList((String) null)
                : selection.principals;
        List<String> operations = selection.operations.isEmpty() ? java.util.Arrays.asList((String) null)
                : selection.operations;
        List<AclBindingFilter> filters = new ArrayList<>();
        for (String principal : principals) {
            for (String operation : operations) {
                filters.add(new AclBindingFilter(type, name, patternType,
                        principal == null ? null : principal(principal), selection.host,
                        operation == null ? null : AclOperation.parse(operation), allowOrDeny));
            }
        }
        return filters;
    }

    /** {@code orders} is {@code User:orders}; {@code User:...} is kept as it is. */
    static String principal(String text) {
        String trimmed = text.trim();
        String principal = trimmed.startsWith("User:") ? trimmed : "User:" + trimmed;
        AclEntry.checkPrincipal(principal);
        return principal;
    }

    static String describe(AclBinding acl) {
        String resource = acl.pattern().type() == ResourceType.CLUSTER ? "the cluster"
                : acl.pattern().type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " "
                + (acl.pattern().patternType() == PatternType.PREFIXED ? "prefix '" : "'") + acl.pattern().name()
                + "'";
        return acl.entry().permission() + " " + acl.entry().principal() + " " + acl.entry().operation() + " on "
                + resource + (acl.entry().host().equals(AclEntry.ANY_HOST) ? "" : " from " + acl.entry().host());
    }
}
