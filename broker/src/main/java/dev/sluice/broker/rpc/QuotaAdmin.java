package dev.sluice.broker.rpc;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.QuotaProtos;
import dev.sluice.proto.v1.AlterClientQuotasRequest;
import dev.sluice.proto.v1.AlterClientQuotasResponse;
import dev.sluice.proto.v1.DescribeClientQuotasRequest;
import dev.sluice.proto.v1.DescribeClientQuotasResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.QuotaAlterationResult;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The client quota calls of the {@code Admin} service: altering goes to the active controller (which validates and
 * commits) and is acknowledged after a read barrier, so this broker already enforces the change when the caller
 * hears of it; describing reads this broker's image. With authorization on, altering needs ALTER_CONFIGS on the
 * cluster and describing DESCRIBE_CONFIGS on it, as Kafka's AlterClientQuotas and DescribeClientQuotas (a refusal
 * changes nothing). Thread-safe.
 */
final class QuotaAdmin {
    private final ControllerChannel controller;
    private final Supplier<MetadataImage> image;
    private final RequestAuthorizer authorizer;
    private final ControllerChangeReplies replies;

    QuotaAdmin(ControllerChannel controller, Supplier<MetadataImage> image, RequestAuthorizer authorizer,
               ControllerChangeReplies replies) {
        this.controller = controller;
        this.image = image;
        this.authorizer = authorizer;
        this.replies = replies;
    }

    void alterClientQuotas(AlterClientQuotasRequest request, StreamObserver<AlterClientQuotasResponse> responses) {
        Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, Action.ALTER_CLUSTER_CONFIGS, "")) {
            BrokerGrpcService.reply(responses, refused(request, RequestAuthorizer.denial(Action.ALTER_CLUSTER_CONFIGS),
                    RequestAuthorizer.denialMessage(caller, Action.ALTER_CLUSTER_CONFIGS, "")));
            return;
        }
        controller.alterClientQuotas(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                BrokerGrpcService.reply(responses, refused(request, ErrorCode.NOT_CONTROLLER,
                        ControllerChangeReplies.failureMessage(failure)));
                return;
            }
            boolean changed = !request.getValidateOnly()
                    && response.getResultsList().stream().anyMatch(r -> r.getError() == ErrorCode.NONE);
            replies.reply(changed, responses, response);
        });
    }

    /** The entries of this broker's image that match the request's filter (every entry without one). */
    void describeClientQuotas(DescribeClientQuotasRequest request,
                              StreamObserver<DescribeClientQuotasResponse> responses) {
        Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, Action.DESCRIBE_CLUSTER_CONFIGS, "")) {
            BrokerGrpcService.reply(responses, DescribeClientQuotasResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(Action.DESCRIBE_CLUSTER_CONFIGS))
                    .setErrorMessage(RequestAuthorizer.denialMessage(caller, Action.DESCRIBE_CLUSTER_CONFIGS, ""))
                    .build());
            return;
        }
        DescribeClientQuotasResponse.Builder response = DescribeClientQuotasResponse.newBuilder();
        image.get().quotas().entries().forEach((entity, values) -> {
            boolean matches = (!request.hasUser() || request.getUser().equals(entity.user()))
                    && (!request.hasClientId() || request.getClientId().equals(entity.clientId()));
            if (matches) {
                response.addEntries(QuotaProtos.toProto(entity, values));
            }
        });
        BrokerGrpcService.reply(responses, response.build());
    }

    /** Every alteration refused with {@code error}. */
    static AlterClientQuotasResponse refused(AlterClientQuotasRequest request, ErrorCode error, String message) {
        AlterClientQuotasResponse.Builder response = AlterClientQuotasResponse.newBuilder();
        request.getAlterationsList().forEach(a -> response.addResults(QuotaAlterationResult.newBuilder()
                .setEntity(a.getEntity()).setError(error).setErrorMessage(message)));
        return response.build();
    }
}
