package dev.sluice.security.acl;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable set of ACLs indexed for {@link Authorizer}: by resource type, then literal name or prefix, so finding
 * the ACLs of one resource costs one lookup per prefix of its name rather than a scan of every ACL. Built once per
 * metadata image; any thread.
 */
public final class Acls {
    public static final Acls EMPTY = new Acls(List.of());

    private final Set<AclBinding> bindings;
    private final Map<ResourceType, Map<String, List<AclBinding>>> literal = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Map<String, List<AclBinding>>> prefixed = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Integer> maxPrefixLength = new EnumMap<>(ResourceType.class);

    private Acls(Collection<AclBinding> all) {
        this.bindings = Collections.unmodifiableSet(new LinkedHashSet<>(all));
        for (AclBinding binding : bindings) {
            ResourcePattern pattern = binding.pattern();
            Map<ResourceType, Map<String, List<AclBinding>>> index =
                    pattern.patternType() == PatternType.LITERAL ? literal : prefixed;
            index.computeIfAbsent(pattern.type(), t -> new HashMap<>())
                    .computeIfAbsent(pattern.name(), n -> new ArrayList<>()).add(binding);
            if (pattern.patternType() == PatternType.PREFIXED) {
                maxPrefixLength.merge(pattern.type(), pattern.name().length(), Math::max);
            }
        }
    }

    public static Acls of(Collection<AclBinding> bindings) {
        return bindings.isEmpty() ? EMPTY : new Acls(bindings);
    }

    /** Every ACL, in the order given. */
    public Set<AclBinding> bindings() {
        return bindings;
    }

    /** The ACLs whose pattern covers the resource, of every principal, host, operation and permission. */
    public List<AclBinding> matching(ResourceType type, String name) {
        List<AclBinding> found = new ArrayList<>();
        Map<String, List<AclBinding>> literals = literal.getOrDefault(type, Map.of());
        found.addAll(literals.getOrDefault(name, List.of()));
        if (!name.equals(ResourcePattern.WILDCARD)) {
            found.addAll(literals.getOrDefault(ResourcePattern.WILDCARD, List.of()));
        }
        Map<String, List<AclBinding>> prefixes = prefixed.getOrDefault(type, Map.of());
        int longest = Math.min(name.length(), maxPrefixLength.getOrDefault(type, 0));
        for (int length = 1; length <= longest; length++) {
            found.addAll(prefixes.getOrDefault(name.substring(0, length), List.of()));
        }
        return found;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Acls acls && acls.bindings.equals(bindings);
    }

    @Override
    public int hashCode() {
        return bindings.hashCode();
    }

    @Override
    public String toString() {
        return bindings.toString();
    }
}
