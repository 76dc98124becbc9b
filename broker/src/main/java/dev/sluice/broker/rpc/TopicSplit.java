package dev.sluice.broker.rpc;

import dev.sluice.broker.rpc.RequestAuthorizer.Action;
import dev.sluice.broker.rpc.RequestAuthorizer.Caller;
import dev.sluice.proto.v1.TopicResult;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The entries of an admin change (topics to create, delete or reconfigure) split by the ACL check: those the caller
 * may change, which go on to the controller, and a refusal for each of the others, which never do. Immutable.
 *
 * @param allowed the entries that may proceed, in request order
 * @param denied  one {@code TOPIC_AUTHORIZATION_FAILED} result per refused entry
 */
record TopicSplit<T>(List<T> allowed, List<TopicResult> denied) {
    static <T> TopicSplit<T> of(RequestAuthorizer authorizer, Action action, List<T> entries,
                                Function<T, String> topic) {
        if (!authorizer.enabled()) {
            return new TopicSplit<>(entries, List.of());
        }
        Caller caller = authorizer.caller();
        List<T> allowed = new ArrayList<>();
        List<TopicResult> denied = new ArrayList<>();
        for (T entry : entries) {
            String name = topic.apply(entry);
            if (authorizer.allowed(caller, action, name)) {
                allowed.add(entry);
            } else {
                denied.add(TopicResult.newBuilder().setName(name).setError(RequestAuthorizer.denial(action))
                        .setErrorMessage(RequestAuthorizer.denialMessage(caller, action, name)).build());
            }
        }
        return new TopicSplit<>(allowed, denied);
    }

    /** {@code target}, with the refusals added to its one response by {@code addDenied}. */
    static <R> StreamObserver<R> withDenied(StreamObserver<R> target, UnaryOperator<R> addDenied) {
        return new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                target.onNext(addDenied.apply(value));
            }

            @Override
            public void onError(Throwable failure) {
                target.onError(failure);
            }

            @Override
            public void onCompleted() {
                target.onCompleted();
            }
        };
    }
}
