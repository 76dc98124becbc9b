package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.Optional;

/**
 * A sequential specification for {@link LinearizabilityChecker}: the states of one object and how each operation
 * moves between them. States must be immutable values ({@code equals} and {@code hashCode} by value), because the
 * search remembers the (operations linearized, state) pairs it has already explored.
 *
 * @param <S> the state type
 */
public interface Model<S> {

    /** The state before any operation. */
    S initial();

    /**
     * Applies one operation to {@code state}, as if it took effect atomically now.
     *
     * @param invoke the operation's invocation (its arguments)
     * @param completion the ok completion whose result must be explained, or {@code null} when the outcome is unknown
     *     ({@code info}, or never completed): then any result is acceptable and only the effect matters
     * @return the next state, or empty when the operation could not have returned {@code completion}'s result from
     *     {@code state}
     */
    Optional<S> step(S state, Op invoke, Op completion);
}
