package dev.sluice.broker.server;

import dev.sluice.broker.rpc.AppliedOffsetWaiters;
import dev.sluice.broker.rpc.AuthenticationGrpcService;
import dev.sluice.broker.rpc.ControllerChannel;
import dev.sluice.broker.rpc.RequestAuthorizer;
import dev.sluice.broker.rpc.UsersGrpcService;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.v1.AuthenticationGrpc;
import dev.sluice.security.AuthenticationInterceptor;
import dev.sluice.security.scram.AuthSessions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The broker port's authentication parts, built together because they share the sessions: the SCRAM exchange
 * service, the users service and the interceptor that turns a session token into the call's principal. A token
 * whose user no longer has a credential in the image (deleted) is refused like an expired one, so deleting a user
 * ends its sessions on every broker once the broker has applied the deletion.
 */
record Authentication(AuthenticationGrpcService service, UsersGrpcService users,
                      AuthenticationInterceptor interceptor) {

    static Authentication of(AuthenticationConfig config, ControllerChannel controller, Supplier<MetadataImage> image,
                             AppliedOffsetWaiters applied, RequestAuthorizer authorizer, Clock clock) {
        SecureRandom random = new SecureRandom();
        AuthSessions sessions = new AuthSessions(random, config.sessionLifetimeMs());
        AuthenticationGrpcService service = new AuthenticationGrpcService(config.mechanisms(),
                (user, mechanism) -> image.get().scram().credential(user, mechanism), sessions,
                config.sessionLifetimeMs(), random, clock::millis);
        AuthenticationInterceptor interceptor = new AuthenticationInterceptor(
                token -> sessions.user(token, clock.millis()).filter(user -> image.get().scram().hasUser(user)),
                config.required(), Set.of(AuthenticationGrpc.SERVICE_NAME, "grpc.health.v1.Health"));
        return new Authentication(service, new UsersGrpcService(controller, image, applied, authorizer), interceptor);
    }
}
