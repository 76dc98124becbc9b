package dev.sluice.security.acl;

import java.util.Objects;

/**
 * The resources an ACL applies to: a type, a name, and whether the name is literal or a prefix. The literal name
 * {@value #WILDCARD} matches every resource of the type. Immutable.
 */
public record ResourcePattern(ResourceType type, String name, PatternType patternType) {
    /** The literal resource name that matches every name. */
    public static final String WILDCARD = "*";
    /** The name of the one {@link ResourceType#CLUSTER} resource (Kafka's). */
    public static final String CLUSTER_NAME = "kafka-cluster";

    public ResourcePattern {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(patternType, "patternType");
        if (name == null || name.isEmpty()) {
            throw new InvalidAclException("an ACL needs a resource name");
        }
        if (type == ResourceType.CLUSTER && !(name.equals(CLUSTER_NAME) && patternType == PatternType.LITERAL)) {
            throw new InvalidAclException("a cluster ACL's resource is the literal '" + CLUSTER_NAME + "', not '"
                    + name + "' (" + patternType + ")");
        }
    }

    public static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    public static ResourcePattern prefixed(ResourceType type, String prefix) {
        return new ResourcePattern(type, prefix, PatternType.PREFIXED);
    }

    public static ResourcePattern cluster() {
        return literal(ResourceType.CLUSTER, CLUSTER_NAME);
    }

    /** True when this pattern covers the resource {@code resourceName} of {@code resourceType}. */
    public boolean matches(ResourceType resourceType, String resourceName) {
        if (resourceType != type) {
            return false;
        }
        return switch (patternType) {
            case LITERAL -> name.equals(WILDCARD) || name.equals(resourceName);
            case PREFIXED -> resourceName.startsWith(name);
        };
    }
}
