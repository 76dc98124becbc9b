package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpFunctions;
import java.util.Optional;

/**
 * The sequential specification of one topic's metadata, for {@link MetadataChecker}: the topic is absent or present
 * with a retention ({@code retention_ms}; {@value #DEFAULT_RETENTION_MS} means the cluster default, which is what a
 * newly created topic has).
 *
 * <ul>
 *   <li>{@code create}: absent → present(default); on a present topic it fails with error {@code exists}.</li>
 *   <li>{@code delete}: present → absent; on an absent topic it fails with error {@code unknown}.</li>
 *   <li>{@code alter}: present → present({@code retention_ms} of the invocation); on an absent topic it fails with
 *       error {@code unknown}.</li>
 *   <li>{@code describe}: returns {@code exists} and, if it exists, {@code retention_ms}.</li>
 * </ul>
 *
 * The {@code exists}/{@code unknown} errors are results of the model, so completions carrying them must reach
 * {@link #step} as ok (the checker re-types them); any other error means the operation did not happen.
 */
public final class TopicModel implements Model<TopicModel.TopicState> {
    public static final long DEFAULT_RETENTION_MS = -2;

    /** Absent, or present with a retention in milliseconds. */
    public record TopicState(boolean exists, long retentionMs) {
        public static final TopicState ABSENT = new TopicState(false, 0);

        public static TopicState present(long retentionMs) {
            return new TopicState(true, retentionMs);
        }

        @Override
        public String toString() {
            return exists ? "present(retention_ms=" + retentionMs + ")" : "absent";
        }
    }

    @Override
    public TopicState initial() {
        return TopicState.ABSENT;
    }

    @Override
    public Optional<TopicState> step(TopicState state, Op invoke, Op completion) {
        if (completion == null) {
            return Optional.of(effect(state, invoke));
        }
        String error = completion.error();
        return switch (invoke.f()) {
            case OpFunctions.CREATE -> OpFunctions.ERROR_EXISTS.equals(error)
                    ? when(state.exists(), state)
                    : when(!state.exists(), TopicState.present(DEFAULT_RETENTION_MS));
            case OpFunctions.DELETE -> OpFunctions.ERROR_UNKNOWN.equals(error)
                    ? when(!state.exists(), state)
                    : when(state.exists(), TopicState.ABSENT);
            case OpFunctions.ALTER -> OpFunctions.ERROR_UNKNOWN.equals(error)
                    ? when(!state.exists(), state)
                    : when(state.exists(), TopicState.present(invoke.longValue("retention_ms")));
            case OpFunctions.DESCRIBE -> when(describes(state, completion), state);
            default -> throw new IllegalArgumentException("not a topic metadata operation: " + invoke);
        };
    }

    /** What an operation whose result is unknown does if it takes effect: as if it returned whatever it had to. */
    private static TopicState effect(TopicState state, Op invoke) {
        return switch (invoke.f()) {
            case OpFunctions.CREATE -> state.exists() ? state : TopicState.present(DEFAULT_RETENTION_MS);
            case OpFunctions.DELETE -> TopicState.ABSENT;
            case OpFunctions.ALTER -> state.exists() ? TopicState.present(invoke.longValue("retention_ms")) : state;
            case OpFunctions.DESCRIBE -> state;
            default -> throw new IllegalArgumentException("not a topic metadata operation: " + invoke);
        };
    }

    private static boolean describes(TopicState state, Op completion) {
        boolean exists = Boolean.TRUE.equals(completion.value().get("exists"));
        if (exists != state.exists()) {
            return false;
        }
        return !exists || !completion.value().containsKey("retention_ms")
                || completion.longValue("retention_ms") == state.retentionMs();
    }

    private static Optional<TopicState> when(boolean possible, TopicState next) {
        return possible ? Optional.of(next) : Optional.empty();
    }
}
