package dev.sluice.broker.rpc;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.metadata.AclProtos;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.v1.AclResult;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.DeleteAclsFilterResult;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.DescribeAclsRequest;
import dev.sluice.proto.v1.DescribeAclsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.InvalidAclException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The ACL calls of the {@code Admin} service: creating and deleting go to the active controller (which validates
 * and commits them) and are acknowledged after a read barrier, as topic changes are, so this broker already enforces
 * the change when the caller hears of it; describing reads this broker's image. With authorization on, creating and
 * deleting need ALTER on the cluster and describing DESCRIBE on it (a refusal changes nothing). Thread-safe.
 */
final class AclAdmin {
    private final ControllerChannel controller;
    private final Supplier<MetadataImage> image;
    private final RequestAuthorizer authorizer;
    private final ControllerChangeReplies replies;

    AclAdmin(ControllerChannel controller, Supplier<MetadataImage> image, RequestAuthorizer authorizer,
             ControllerChangeReplies replies) {
        this.controller = controller;
        this.image = image;
        this.authorizer = authorizer;
        this.replies = replies;
    }

    void createAcls(CreateAclsRequest request, StreamObserver<CreateAclsResponse> responses) {
        Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, Action.ALTER_CLUSTER, "")) {
            CreateAclsResponse.Builder refused = CreateAclsResponse.newBuilder();
            request.getCreationsList().forEach(c -> refused.addResults(AclResult.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.ALTER_CLUSTER))
                    .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.ALTER_CLUSTER, ""))));
            BrokerGrpcService.reply(responses, refused.build());
            return;
        }
        controller.createAcls(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                CreateAclsResponse.Builder failed = CreateAclsResponse.newBuilder();
                request.getCreationsList().forEach(c -> failed.addResults(AclResult.newBuilder()
                        .setError(ErrorCode.NOT_CONTROLLER)
                        .setErrorMessage(ControllerChangeReplies.failureMessage(failure))));
                BrokerGrpcService.reply(responses, failed.build());
                return;
            }
            boolean changed = response.getResultsList().stream().anyMatch(r -> r.getError() == ErrorCode.NONE);
            replies.reply(changed, responses, response);
        });
    }

    void deleteAcls(DeleteAclsRequest request, StreamObserver<DeleteAclsResponse> responses) {
        Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, Action.ALTER_CLUSTER, "")) {
            DeleteAclsResponse.Builder refused = DeleteAclsResponse.newBuilder();
            request.getFiltersList().forEach(f -> refused.addResults(DeleteAclsFilterResult.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.ALTER_CLUSTER))
                    .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.ALTER_CLUSTER, ""))));
            BrokerGrpcService.reply(responses, refused.build());
            return;
        }
        controller.deleteAcls(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                DeleteAclsResponse.Builder failed = DeleteAclsResponse.newBuilder();
                request.getFiltersList().forEach(f -> failed.addResults(DeleteAclsFilterResult.newBuilder()
                        .setError(ErrorCode.NOT_CONTROLLER)
                        .setErrorMessage(ControllerChangeReplies.failureMessage(failure))));
                BrokerGrpcService.reply(responses, failed.build());
                return;
            }
            boolean changed = response.getResultsList().stream().anyMatch(r -> r.getDeletedCount() > 0);
            replies.reply(changed, responses, response);
        });
    }

    /** The ACLs of this broker's image that match the filter (every ACL without one). */
    void describeAcls(DescribeAclsRequest request, StreamObserver<DescribeAclsResponse> responses) {
        Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, Action.DESCRIBE_CLUSTER, "")) {
            BrokerGrpcService.reply(responses, DescribeAclsResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.DESCRIBE_CLUSTER))
                    .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.DESCRIBE_CLUSTER, "")).build());
            return;
        }
        AclBindingFilter filter;
        try {
            filter = AclProtos.toModel(request.getFilter());
        } catch (InvalidAclException e) {
            BrokerGrpcService.reply(responses, DescribeAclsResponse.newBuilder().setError(ErrorCode.INVALID_ACL)
                    .setErrorMessage(e.getMessage()).build());
            return;
        }
        DescribeAclsResponse.Builder response = DescribeAclsResponse.newBuilder();
        for (AclBinding binding : image.get().acls().acls().bindings()) {
            if (filter.matches(binding)) {
                response.addAcls(AclProtos.toProto(binding));
            }
        }
        BrokerGrpcService.reply(responses, response.build());
    }
}
