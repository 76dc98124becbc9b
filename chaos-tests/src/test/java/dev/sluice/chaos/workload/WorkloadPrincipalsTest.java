package dev.sluice.chaos.workload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.Acls;
import dev.sluice.security.acl.Authorizer;
import dev.sluice.security.acl.ResourceType;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The workload principals' ACLs, judged by the broker's own {@link Authorizer}: each may do what its workload's
 * requests need (docs/security.md's table) and nothing else of what the other workloads do.
 */
class WorkloadPrincipalsTest {
    private static final String APPEND_TOPIC = "chaos-append";
    private final Acls acls = Acls.of(WorkloadPrincipals.acls(APPEND_TOPIC));
    private final Authorizer authorizer = new Authorizer(Set.of("User:node-1"), false);

    @Test
    void theProducersMayWriteTheAppendTopicAndNothingElse() {
        assertThat(topic(WorkloadPrincipals.APPEND, AclOperation.WRITE, APPEND_TOPIC)).isTrue();
        assertThat(topic(WorkloadPrincipals.APPEND, AclOperation.DESCRIBE, APPEND_TOPIC)).isTrue();
        assertThat(topic(WorkloadPrincipals.APPEND, AclOperation.READ, APPEND_TOPIC)).isFalse();
        assertThat(topic(WorkloadPrincipals.APPEND, AclOperation.CREATE, "chaos-meta-0")).isFalse();
        assertThat(group(WorkloadPrincipals.APPEND, AclOperation.READ)).isFalse();
    }

    @Test
    void theFinalReaderMayOnlyReadTheAppendTopic() {
        assertThat(topic(WorkloadPrincipals.READER, AclOperation.READ, APPEND_TOPIC)).isTrue();
        assertThat(topic(WorkloadPrincipals.READER, AclOperation.DESCRIBE, APPEND_TOPIC)).isTrue();
        assertThat(topic(WorkloadPrincipals.READER, AclOperation.WRITE, APPEND_TOPIC)).isFalse();
        assertThat(group(WorkloadPrincipals.READER, AclOperation.READ)).isFalse();
    }

    @Test
    void theConsumersMayReadTheAppendTopicInTheirGroupOnly() {
        assertThat(topic(WorkloadPrincipals.GROUPS, AclOperation.READ, APPEND_TOPIC)).isTrue();
        assertThat(group(WorkloadPrincipals.GROUPS, AclOperation.READ)).isTrue();
        assertThat(group(WorkloadPrincipals.GROUPS, AclOperation.DESCRIBE)).isTrue();
        assertThat(authorizer.authorize(acls, "User:" + WorkloadPrincipals.GROUPS, "10.0.0.1", AclOperation.READ,
                ResourceType.GROUP, "another-group")).isFalse();
        assertThat(group(WorkloadPrincipals.GROUPS, AclOperation.DELETE)).isFalse();
        assertThat(topic(WorkloadPrincipals.GROUPS, AclOperation.WRITE, APPEND_TOPIC)).isFalse();
    }

    @Test
    void theAdminsManageTheirOwnTopicsOnly() {
        for (AclOperation operation : new AclOperation[] {AclOperation.CREATE, AclOperation.DELETE,
                AclOperation.ALTER_CONFIGS, AclOperation.DESCRIBE_CONFIGS, AclOperation.DESCRIBE}) {
            assertThat(topic(WorkloadPrincipals.METADATA, operation, "chaos-meta-4")).as("%s", operation).isTrue();
            assertThat(topic(WorkloadPrincipals.METADATA, operation, APPEND_TOPIC)).as("%s", operation).isFalse();
        }
        assertThat(topic(WorkloadPrincipals.METADATA, AclOperation.WRITE, "chaos-meta-4")).isFalse();
        assertThat(authorizer.authorize(acls, "User:" + WorkloadPrincipals.METADATA, "10.0.0.1", AclOperation.CREATE,
                ResourceType.CLUSTER, "kafka-cluster")).isFalse();
    }

    private boolean topic(String user, AclOperation operation, String topic) {
        return authorizer.authorize(acls, WorkloadPrincipals.principal(user), "10.0.0.1", operation,
                ResourceType.TOPIC, topic);
    }

    private boolean group(String user, AclOperation operation) {
        return authorizer.authorize(acls, WorkloadPrincipals.principal(user), "10.0.0.1", operation,
                ResourceType.GROUP, GroupsWorkload.GROUP);
    }
}
