package dev.sluice.security.acl;

import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assertions;

/**
 * {@link Authorizer} over its {@link Acls} index equals a naive model written straight from Kafka's rules: a scan of
 * every ACL, with the implications spelled out as a table. Small alphabets so that names, prefixes and principals
 * collide often.
 */
class AuthorizerPropertyTest {
    private static final List<String> PRINCIPALS = List.of("User:a", "User:b", "User:*", "User:admin");
    private static final List<String> HOSTS = List.of("*", "h1", "h2");

    @Property(tries = 2000)
    void indexedAuthorizerEqualsNaiveScan(@ForAll("acls") List<AclBinding> acls, @ForAll("names") String name,
                                          @ForAll AclOperation operation, @ForAll ResourceType type,
                                          @ForAll boolean allowEveryone,
                                          @ForAll("requesters") String principal, @ForAll("requestHosts") String host) {
        String resource = type == ResourceType.CLUSTER ? ResourcePattern.CLUSTER_NAME : name;
        Authorizer authorizer = new Authorizer(Set.of("User:admin"), allowEveryone);
        boolean expected = naive(acls, allowEveryone, principal, host, operation, type, resource);
        Assertions.assertEquals(expected,
                authorizer.authorize(Acls.of(acls), principal, host, operation, type, resource),
                () -> acls + " " + principal + "@" + host + " " + operation + " " + type + " " + resource);
    }

    private static boolean naive(List<AclBinding> acls, boolean allowEveryone, String principal, String host,
                                 AclOperation operation, ResourceType type, String name) {
        if (principal.equals("User:admin")) {
            return true;
        }
        List<AclBinding> covering = acls.stream().filter(b -> covers(b.pattern(), type, name)).toList();
        if (covering.isEmpty()) {
            return allowEveryone;
        }
        List<AclBinding> mine = covering.stream()
                .filter(b -> b.entry().principal().equals(principal) || b.entry().principal().equals("User:*"))
                .filter(b -> b.entry().host().equals("*") || b.entry().host().equals(host)).toList();
        boolean denied = mine.stream().anyMatch(b -> b.entry().permission() == AclPermission.DENY
                && (b.entry().operation() == operation || b.entry().operation() == AclOperation.ALL));
        if (denied) {
            return false;
        }
        return mine.stream().anyMatch(b -> b.entry().permission() == AclPermission.ALLOW
                && implies(b.entry().operation(), operation));
    }

    private static boolean covers(ResourcePattern pattern, ResourceType type, String name) {
        if (pattern.type() != type) {
            return false;
        }
        if (pattern.patternType() == PatternType.PREFIXED) {
            return name.length() >= pattern.name().length()
                    && name.substring(0, pattern.name().length()).equals(pattern.name());
        }
        return pattern.name().equals("*") || pattern.name().equals(name);
    }

    private static boolean implies(AclOperation granted, AclOperation wanted) {
        if (granted == wanted || granted == AclOperation.ALL) {
            return true;
        }
        if (wanted == AclOperation.DESCRIBE) {
            return Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER)
                    .contains(granted);
        }
        return wanted == AclOperation.DESCRIBE_CONFIGS && granted == AclOperation.ALTER_CONFIGS;
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab*").ofMinLength(1).ofMaxLength(3);
    }

    @Provide
    Arbitrary<String> requesters() {
        return Arbitraries.of("User:a", "User:b", "User:c", "User:admin");
    }

    @Provide
    Arbitrary<String> requestHosts() {
        return Arbitraries.of("h1", "h2");
    }

    @Provide
    Arbitrary<List<AclBinding>> acls() {
        Arbitrary<ResourcePattern> patterns = Combinators.combine(Arbitraries.of(ResourceType.class), names(),
                Arbitraries.of(PatternType.class)).as((type, name, patternType) -> type == ResourceType.CLUSTER
                ? ResourcePattern.cluster() : new ResourcePattern(type, name, patternType));
        Arbitrary<AclEntry> entries = Combinators.combine(Arbitraries.of(PRINCIPALS), Arbitraries.of(HOSTS),
                Arbitraries.of(AclOperation.class), Arbitraries.of(AclPermission.class)).as(AclEntry::new);
        return Combinators.combine(patterns, entries).as(AclBinding::new).list().ofMaxSize(6);
    }
}
