package dev.sluice.security.acl;

/** How an ACL's resource name matches resource names, as Kafka's. */
public enum PatternType {
    /** The name itself; the literal name {@code *} matches every resource of its type. */
    LITERAL,
    /** Every resource whose name starts with the pattern's name. */
    PREFIXED
}
