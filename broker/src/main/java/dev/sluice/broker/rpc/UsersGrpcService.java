package dev.sluice.broker.rpc;

import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.ScramProtos;
import dev.sluice.proto.v1.AlterUserScramCredentialsRequest;
import dev.sluice.proto.v1.AlterUserScramCredentialsResponse;
import dev.sluice.proto.v1.DescribeUserScramCredentialsRequest;
import dev.sluice.proto.v1.DescribeUserScramCredentialsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ScramCredentialInfo;
import dev.sluice.proto.v1.UserResult;
import dev.sluice.proto.v1.UserScramCredentials;
import dev.sluice.proto.v1.UsersGrpc;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Users and their SCRAM credentials (auth.proto's {@code Users} service). Changes are forwarded to the active
 * controller, as ACL changes are, and acknowledged after a read barrier so that this broker already authenticates
 * with the new credential (or refuses a deleted user). The client derives the credential from the password, so no
 * password ever reaches a broker. Describing reads the image after a read barrier and shows names, mechanisms and
 * iteration counts only, never a salt or key. With authorization on, altering needs ALTER on the cluster and
 * describing DESCRIBE on it, as Kafka's AlterUserScramCredentials and DescribeUserScramCredentials. Thread-safe.
 */
public final class UsersGrpcService extends UsersGrpc.UsersImplBase {
    private static final long APPLY_WAIT_MS = 5_000;

    private final ControllerChannel controller;
    private final Supplier<MetadataImage> image;
    private final AppliedOffsetWaiters applied;
    private final RequestAuthorizer authorizer;

    public UsersGrpcService(ControllerChannel controller, Supplier<MetadataImage> image, AppliedOffsetWaiters applied,
                            RequestAuthorizer authorizer) {
        this.controller = controller;
        this.image = image;
        this.applied = applied;
        this.authorizer = authorizer;
    }

    @Override
    public void alterUserScramCredentials(AlterUserScramCredentialsRequest request,
                                          StreamObserver<AlterUserScramCredentialsResponse> responses) {
        RequestAuthorizer.Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, RequestAuthorizer.Action.ALTER_CLUSTER, "")) {
            BrokerGrpcService.reply(responses, refused(request, RequestAuthorizer.denial(
                    RequestAuthorizer.Action.ALTER_CLUSTER), RequestAuthorizer.denialMessage(caller,
                    RequestAuthorizer.Action.ALTER_CLUSTER, "")));
            return;
        }
        controller.alterUserScramCredentials(request).whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                BrokerGrpcService.reply(responses, refused(request, ErrorCode.NOT_CONTROLLER,
                        "the controller could not complete the request: " + failure.getMessage()));
                return;
            }
            if (response.getResultsList().stream().noneMatch(r -> r.getError() == ErrorCode.NONE)) {
                BrokerGrpcService.reply(responses, response);
                return;
            }
            readBarrier().whenComplete((barrier, ignored) -> BrokerGrpcService.reply(responses, response));
        });
    }

    @Override
    public void describeUserScramCredentials(DescribeUserScramCredentialsRequest request,
                                             StreamObserver<DescribeUserScramCredentialsResponse> responses) {
        RequestAuthorizer.Caller caller = authorizer.caller();
        if (!authorizer.allowed(caller, RequestAuthorizer.Action.DESCRIBE_CLUSTER, "")) {
            BrokerGrpcService.reply(responses, DescribeUserScramCredentialsResponse.newBuilder()
                    .setError(RequestAuthorizer.denial(RequestAuthorizer.Action.DESCRIBE_CLUSTER))
                    .setErrorMessage(RequestAuthorizer.denialMessage(caller, RequestAuthorizer.Action.DESCRIBE_CLUSTER,
                            "")).build());
            return;
        }
        readBarrier().whenCompleteAsync((barrier, failure) -> {
            if (barrier.error() != ErrorCode.NONE) {
                BrokerGrpcService.reply(responses, DescribeUserScramCredentialsResponse.newBuilder()
                        .setError(barrier.error()).setErrorMessage(barrier.errorMessage()).build());
                return;
            }
            Map<String, Map<ScramMechanism, ScramCredential>> users = new TreeMap<>(image.get().scram().users());
            if (request.getUsersCount() > 0) {
                users.keySet().retainAll(request.getUsersList());
            }
            DescribeUserScramCredentialsResponse.Builder response = DescribeUserScramCredentialsResponse.newBuilder()
                    .setError(ErrorCode.NONE);
            users.forEach((user, credentials) -> {
                UserScramCredentials.Builder described = UserScramCredentials.newBuilder().setUser(user);
                new TreeMap<>(credentials).forEach((mechanism, credential) -> described.addCredentials(
                        ScramCredentialInfo.newBuilder().setMechanism(ScramProtos.toProto(mechanism))
                                .setIterations(credential.iterations())));
                response.addUsers(described);
            });
            BrokerGrpcService.reply(responses, response.build());
        });
    }

    /** Every item of {@code request} answered with {@code error}. */
    static AlterUserScramCredentialsResponse refused(AlterUserScramCredentialsRequest request, ErrorCode error,
                                                     String message) {
        AlterUserScramCredentialsResponse.Builder response = AlterUserScramCredentialsResponse.newBuilder();
        request.getUpsertionsList().forEach(u -> response.addResults(UserResult.newBuilder().setUser(u.getUser())
                .setError(error).setErrorMessage(message)));
        request.getDeletionsList().forEach(d -> response.addResults(UserResult.newBuilder().setUser(d.getUser())
                .setError(error).setErrorMessage(message)));
        return response.build();
    }

    /** As {@link AdminGrpcService}'s: completes (never exceptionally) once this broker's image is current. */
    private CompletableFuture<ReadBarrierReply> readBarrier() {
        return controller.readBarrier().thenCompose(barrier -> {
            if (barrier.error() != ErrorCode.NONE) {
                return CompletableFuture.completedFuture(barrier);
            }
            return applied.await(barrier.offset(), APPLY_WAIT_MS).thenApply(reached -> reached ? barrier
                    : ReadBarrierReply.error(ErrorCode.REQUEST_TIMED_OUT, "this broker's metadata did not reach offset "
                    + barrier.offset() + " within " + APPLY_WAIT_MS + " ms; retry"));
        }).exceptionally(failure -> ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER,
                "the read barrier failed: " + failure));
    }
}
