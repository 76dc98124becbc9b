package dev.sluice.broker.rpc;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Guards the node-to-node services on the broker port (replica fetch): with authorization on, only principals with
 * CLUSTER_ACTION on the cluster (in practice the nodes' own, listed in {@code super.users}) get through; anyone
 * else's call is closed with {@code PERMISSION_DENIED} before it is read. Those services are not a client API, so a
 * refusal is a transport failure rather than a typed answer. Thread-safe.
 */
public final class ClusterActionInterceptor implements ServerInterceptor {
    private final RequestAuthorizer authorizer;

    public ClusterActionInterceptor(RequestAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        if (!authorizer.allowed(Action.CLUSTER_ACTION, "")) {
            call.close(Status.PERMISSION_DENIED.withDescription(RequestAuthorizer.denialMessage(authorizer.caller(),
                    Action.CLUSTER_ACTION, "")), new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return next.startCall(call, headers);
    }
}
