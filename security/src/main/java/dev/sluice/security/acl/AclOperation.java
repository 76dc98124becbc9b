package dev.sluice.security.acl;

import java.util.EnumSet;
import java.util.Set;

/**
 * The operations an ACL grants or denies, with Kafka's names and implications: {@link #ALL} stands for every
 * operation; an ALLOW of READ, WRITE, DELETE or ALTER implies DESCRIBE, and an ALLOW of ALTER_CONFIGS implies
 * DESCRIBE_CONFIGS (denials imply nothing: a DENY of READ does not deny DESCRIBE).
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
    ALTER_CONFIGS;

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
