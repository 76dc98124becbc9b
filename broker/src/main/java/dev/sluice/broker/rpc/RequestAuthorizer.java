package dev.sluice.broker.rpc;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.Principals;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.Authorizer;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.util.function.Supplier;

/**
 * Maps each kind of broker request ({@link Action}) to the resource type and operation Kafka checks for it, and asks
 * the {@link Authorizer} with the caller's principal and host and the ACLs of the current metadata image. The request
 * handlers stay free of ACL logic: the gRPC services and the Kafka listener ask this class before handing a request
 * (or the allowed part of it) on, and answer the rest with {@link #denial}.
 *
 * <p>With authorization off ({@link #OFF}, {@code authorizer.enabled=false}) every check passes. Immutable; any
 * thread. {@link #caller()} reads the gRPC context, so take it on the thread the call arrived on, before any
 * asynchronous step.
 */
public final class RequestAuthorizer {
    /** Authorization off: every principal may do everything. */
    public static final RequestAuthorizer OFF = new RequestAuthorizer(null, () -> MetadataImage.EMPTY);

    /** What a request asks to do, with the resource type and operation Kafka checks for it. */
    public enum Action {
        PRODUCE(ResourceType.TOPIC, AclOperation.WRITE),
        FETCH(ResourceType.TOPIC, AclOperation.READ),
        DESCRIBE_TOPIC(ResourceType.TOPIC, AclOperation.DESCRIBE),
        /** CREATE on the cluster, or else on the topic. */
        CREATE_TOPIC(ResourceType.TOPIC, AclOperation.CREATE),
        DELETE_TOPIC(ResourceType.TOPIC, AclOperation.DELETE),
        ALTER_TOPIC_CONFIGS(ResourceType.TOPIC, AclOperation.ALTER_CONFIGS),
        DESCRIBE_TOPIC_CONFIGS(ResourceType.TOPIC, AclOperation.DESCRIBE_CONFIGS),
        /** Heartbeats (joining), offset commits. */
        READ_GROUP(ResourceType.GROUP, AclOperation.READ),
        DESCRIBE_GROUP(ResourceType.GROUP, AclOperation.DESCRIBE),
        DELETE_GROUP(ResourceType.GROUP, AclOperation.DELETE),
        /** Creating and deleting ACLs, moving partitions. */
        ALTER_CLUSTER(ResourceType.CLUSTER, AclOperation.ALTER),
        /** Listing ACLs. */
        DESCRIBE_CLUSTER(ResourceType.CLUSTER, AclOperation.DESCRIBE),
        /** Altering client quotas. */
        ALTER_CLUSTER_CONFIGS(ResourceType.CLUSTER, AclOperation.ALTER_CONFIGS),
        /** Listing client quotas. */
        DESCRIBE_CLUSTER_CONFIGS(ResourceType.CLUSTER, AclOperation.DESCRIBE_CONFIGS),
        /** Node-to-node requests on the broker port (replica fetch). */
        CLUSTER_ACTION(ResourceType.CLUSTER, AclOperation.CLUSTER_ACTION),
        /** An idempotent producer id: IDEMPOTENT_WRITE on the cluster, or else WRITE on any topic (as Kafka). */
        IDEMPOTENT_WRITE(ResourceType.CLUSTER, AclOperation.IDEMPOTENT_WRITE);

        private final ResourceType type;
        private final AclOperation operation;

        Action(ResourceType type, AclOperation operation) {
            this.type = type;
            this.operation = operation;
        }
    }

    /** Who is asking: a principal in ACL form ({@code User:name}) and the client's address. */
    public record Caller(String principal, String host) {
        /** The caller of the gRPC call (or Kafka request) being handled on this thread. */
        public static Caller current() {
            return new Caller(Principals.currentUser(), Principals.currentHost());
        }
    }

    private final Authorizer authorizer;
    private final Supplier<MetadataImage> image;

    /** @param authorizer the decision rules; null: authorization off */
    public RequestAuthorizer(Authorizer authorizer, Supplier<MetadataImage> image) {
        this.authorizer = authorizer;
        this.image = image;
    }

    public boolean enabled() {
        return authorizer != null;
    }

    /** The caller of the call being handled on this thread. */
    public Caller caller() {
        return Caller.current();
    }

    /** Whether the caller of this thread's call may do {@code action} on {@code name} (ignored for the cluster). */
    public boolean allowed(Action action, String name) {
        return allowed(caller(), action, name);
    }

    public boolean allowed(Caller caller, Action action, String name) {
        if (authorizer == null) {
            return true;
        }
        MetadataImage current = image.get();
        var acls = current.acls().acls();
        return switch (action) {
            case CREATE_TOPIC -> authorizer.authorize(acls, caller.principal(), caller.host(), AclOperation.CREATE,
                    ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME)
                    || authorizer.authorize(acls, caller.principal(), caller.host(), AclOperation.CREATE,
                    ResourceType.TOPIC, name);
            case IDEMPOTENT_WRITE -> authorizer.authorize(acls, caller.principal(), caller.host(),
                    AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME)
                    || current.topics().topicsByName().keySet().stream().anyMatch(topic -> authorizer.authorize(
                    acls, caller.principal(), caller.host(), AclOperation.WRITE, ResourceType.TOPIC, topic));
            default -> authorizer.authorize(acls, caller.principal(), caller.host(), action.operation, action.type,
                    action.type == ResourceType.CLUSTER ? ResourcePattern.CLUSTER_NAME : name);
        };
    }

    /** The error a refused {@code action} is answered with. */
    public static ErrorCode denial(Action action) {
        return switch (action.type) {
            case TOPIC -> ErrorCode.TOPIC_AUTHORIZATION_FAILED;
            case GROUP -> ErrorCode.GROUP_AUTHORIZATION_FAILED;
            case CLUSTER -> ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
            case TRANSACTIONAL_ID -> ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        };
    }

    /** The message of a refusal: who was refused what, so that an operator knows which ACL is missing. */
    public static String denialMessage(Caller caller, Action action, String name) {
        String resource = action.type == ResourceType.CLUSTER ? "the cluster"
                : action.type.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
        return caller.principal() + " is not authorized to " + action.operation + " " + resource
                + (action == Action.CREATE_TOPIC ? " (CREATE on the cluster or the topic)" : "")
                + (action == Action.IDEMPOTENT_WRITE ? " (IDEMPOTENT_WRITE on the cluster or WRITE on a topic)" : "");
    }
}
