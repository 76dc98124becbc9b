package dev.sluice.security.acl;

/** The kinds of resource an ACL protects, as Kafka's. */
public enum ResourceType {
    TOPIC,
    GROUP,
    /** The cluster as a whole; its only resource name is {@link ResourcePattern#CLUSTER_NAME}. */
    CLUSTER,
    TRANSACTIONAL_ID
}
