package dev.sluice.chaos.workload;

import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.util.List;

/**
 * The principals the workloads act as in a secured run (SCRAM users, {@code User:<name>}), one per role, and the ACLs
 * that grant each exactly what its requests need (docs/security.md lists what each request needs). Nothing else is
 * granted: a request the workloads did not need before would be refused, and show up in the history as failures.
 * Pure.
 */
public final class WorkloadPrincipals {
    /** The append producers (Sluice's or Kafka's client): WRITE on the append topic, which also lets an idempotent
     *  producer get its producer id and the client look the topic up (DESCRIBE). */
    public static final String APPEND = "chaos-append";
    /** The append workload's final read: READ on the append topic (which implies the DESCRIBE of ListOffsets). */
    public static final String READER = "chaos-reader";
    /** The group's consumers and its catch-up check: READ on the append topic and on the group. */
    public static final String GROUPS = "chaos-groups";
    /** The metadata workload's admin clients: CREATE, DELETE and ALTER_CONFIGS on its topics (by prefix). */
    public static final String METADATA = "chaos-metadata";
    public static final List<String> ALL = List.of(APPEND, READER, GROUPS, METADATA);

    private WorkloadPrincipals() {
    }

    /** The ACLs of every workload principal, for a run whose append topic is {@code appendTopic}. */
    public static List<AclBinding> acls(String appendTopic) {
        ResourcePattern append = ResourcePattern.literal(ResourceType.TOPIC, appendTopic);
        ResourcePattern metadataTopics = ResourcePattern.prefixed(ResourceType.TOPIC, MetadataWorkload.TOPIC_PREFIX);
        return List.of(
                allow(APPEND, append, AclOperation.WRITE),
                allow(READER, append, AclOperation.READ),
                allow(GROUPS, append, AclOperation.READ),
                allow(GROUPS, ResourcePattern.literal(ResourceType.GROUP, GroupsWorkload.GROUP), AclOperation.READ),
                // CREATE on the topics themselves rather than on the cluster: the admins may create these names only.
                allow(METADATA, metadataTopics, AclOperation.CREATE),
                allow(METADATA, metadataTopics, AclOperation.DELETE),
                // ALTER_CONFIGS implies DESCRIBE_CONFIGS, which a describe needs to see retention.ms.
                allow(METADATA, metadataTopics, AclOperation.ALTER_CONFIGS));
    }

    /** {@code User:<user>}. */
    public static String principal(String user) {
        return "User:" + user;
    }

    private static AclBinding allow(String user, ResourcePattern pattern, AclOperation operation) {
        return new AclBinding(pattern, new AclEntry(principal(user), AclEntry.ANY_HOST, operation,
                AclPermission.ALLOW));
    }
}
