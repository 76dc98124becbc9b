package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.Authorizer;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which operation on which resource each kind of request needs, against ACLs in a real metadata image. */
class RequestAuthorizerTest {
    private static final Caller ALICE = new Caller("User:alice", "10.0.0.1");
    private final AtomicReference<MetadataImage> image = new AtomicReference<>(MetadataImage.EMPTY);
    private final RequestAuthorizer authorizer = new RequestAuthorizer(
            new Authorizer(Set.of("User:node-1"), false), image::get);

    private void grant(ResourcePattern pattern, AclOperation operation, AclPermission permission) {
        MetadataDelta delta = new MetadataDelta(image.get());
        delta.replay(MetadataRecords.acl(new AclBinding(pattern,
                new AclEntry("User:alice", AclEntry.ANY_HOST, operation, permission))));
        image.set(delta.apply(image.get().offset() + 1));
    }

    private void createTopic(String name) {
        MetadataDelta delta = new MetadataDelta(image.get());
        UUID id = UUID.randomUUID();
        delta.replay(MetadataRecords.topic(name, id));
        delta.replay(MetadataRecords.partition(id, 0, new PartitionImage(List.of(1), List.of(1), 1, 0, 0)));
        image.set(delta.apply(image.get().offset() + 1));
    }

    @Test
    void offAllowsEverything() {
        assertThat(RequestAuthorizer.OFF.enabled()).isFalse();
        assertThat(RequestAuthorizer.OFF.allowed(ALICE, Action.DELETE_TOPIC, "t")).isTrue();
    }

    @Test
    void eachTopicRequestNeedsItsOperation() {
        grant(ResourcePattern.literal(ResourceType.TOPIC, "t"), AclOperation.READ, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.FETCH, "t")).isTrue();
        assertThat(authorizer.allowed(ALICE, Action.DESCRIBE_TOPIC, "t")).as("READ implies DESCRIBE").isTrue();
        assertThat(authorizer.allowed(ALICE, Action.PRODUCE, "t")).isFalse();
        assertThat(authorizer.allowed(ALICE, Action.DELETE_TOPIC, "t")).isFalse();
        assertThat(authorizer.allowed(ALICE, Action.DESCRIBE_TOPIC_CONFIGS, "t")).isFalse();
        assertThat(authorizer.allowed(ALICE, Action.FETCH, "u")).isFalse();
        assertThat(RequestAuthorizer.denial(Action.PRODUCE)).isEqualTo(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        assertThat(RequestAuthorizer.denialMessage(ALICE, Action.PRODUCE, "t"))
                .isEqualTo("User:alice is not authorized to WRITE topic 't'");
    }

    @Test
    void creatingATopicNeedsCreateOnTheClusterOrOnTheTopic() {
        assertThat(authorizer.allowed(ALICE, Action.CREATE_TOPIC, "new")).isFalse();
        grant(ResourcePattern.prefixed(ResourceType.TOPIC, "ne"), AclOperation.CREATE, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.CREATE_TOPIC, "new")).isTrue();
        assertThat(authorizer.allowed(ALICE, Action.CREATE_TOPIC, "other")).isFalse();
        grant(ResourcePattern.cluster(), AclOperation.CREATE, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.CREATE_TOPIC, "other")).isTrue();
    }

    @Test
    void anIdempotentProducerIdNeedsIdempotentWriteOrWriteOnSomeTopic() {
        createTopic("t");
        assertThat(authorizer.allowed(ALICE, Action.IDEMPOTENT_WRITE, "")).isFalse();
        grant(ResourcePattern.literal(ResourceType.TOPIC, "t"), AclOperation.WRITE, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.IDEMPOTENT_WRITE, "")).isTrue();
        assertThat(RequestAuthorizer.denial(Action.IDEMPOTENT_WRITE))
                .isEqualTo(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }

    @Test
    void groupAndClusterRequests() {
        grant(ResourcePattern.literal(ResourceType.GROUP, "g"), AclOperation.READ, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.READ_GROUP, "g")).isTrue();
        assertThat(authorizer.allowed(ALICE, Action.DESCRIBE_GROUP, "g")).isTrue();
        assertThat(authorizer.allowed(ALICE, Action.DELETE_GROUP, "g")).isFalse();
        assertThat(RequestAuthorizer.denial(Action.DELETE_GROUP)).isEqualTo(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        assertThat(authorizer.allowed(ALICE, Action.ALTER_CLUSTER, "")).isFalse();
        assertThat(authorizer.allowed(ALICE, Action.CLUSTER_ACTION, "")).isFalse();
        assertThat(authorizer.allowed(new Caller("User:node-1", "10.0.0.2"), Action.CLUSTER_ACTION, ""))
                .as("a super user").isTrue();
        grant(ResourcePattern.cluster(), AclOperation.ALTER, AclPermission.ALLOW);
        assertThat(authorizer.allowed(ALICE, Action.ALTER_CLUSTER, "")).isTrue();
        assertThat(authorizer.allowed(ALICE, Action.DESCRIBE_CLUSTER, "")).as("ALTER implies DESCRIBE").isTrue();
        grant(ResourcePattern.cluster(), AclOperation.DESCRIBE, AclPermission.DENY);
        assertThat(authorizer.allowed(ALICE, Action.DESCRIBE_CLUSTER, "")).as("a DENY wins").isFalse();
    }
}
