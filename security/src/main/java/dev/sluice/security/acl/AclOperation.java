package dev.sluice.security.acl;

import java.util.EnumSet;
import java.util.Set;

/**
 * The operations an ACL grants or denies, with Kafka's names and implications: {@link #ALL} stands for every
 * operation; an ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE, and an ALLOW of ALTER_CONFIGS implies
 * DESCRIBE_CONFIGS (denials imply nothing: a DENY of READ does not deny DESCRIBE). The proto enum lists them in
 * the same order after its "any" value, so append new ones at the end of both.
 */
public enum AclOperation {
    ALL,
    READ,
    WRITE,
    CREATE,
    DELETE,
    ALTER,
    DESCRIBE,
    DESCRIBE_CONFIGS,
    ALTER_CONFIGS,
    /** On the cluster: an idempotent producer id (Kafka also accepts WRITE on any topic instead). */
    IDEMPOTENT_WRITE,
    /** On the cluster: node-to-node requests on the broker port (replica fetch); give it to the nodes' principals. */
    CLUSTER_ACTION;

    /** The operations whose ALLOW also allows this one (itself and ALL included). */
    public Set<AclOperation> allowedBy() {
        return switch (this) {
            case DESCRIBE -> EnumSet.of(ALL, DESCRIBE, READ, WRITE, DELETE, ALTER);
            case DESCRIBE_CONFIGS -> EnumSet.of(ALL, DESCRIBE_CONFIGS, ALTER_CONFIGS);
            default -> EnumSet.of(ALL, this);
        };
    }

    /** Parses a name in any case, with {@code -} or {@code _} ({@code describe-configs}). */
    public static AclOperation parse(String text) {
        return AclNames.parse(AclOperation.class, text, "operation");
    }
}
