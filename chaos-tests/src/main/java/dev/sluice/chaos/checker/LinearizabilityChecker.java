package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether the history of one object is linearizable against a {@link Model}: whether every ok operation can
 * be given a point between its invocation and its completion such that, applied in that order, the model returns
 * what each returned. Failed operations never took effect and are dropped; operations completed {@code info} (or
 * never) may take effect at any point after their invocation, or not at all.
 *
 * <p>The search ({@link LinearizationSearch}) is exponential in the worst case, so it is bounded by {@code
 * maxConfigurations} (and by a fixed memory cap, see {@link LinearizationSearch}); past it the answer is {@link
 * Result.Undecided}. When a history is not linearizable, the checker
 * also finds the shortest prefix of the history that is already not linearizable (a binary search over prefixes,
 * since a prefix of a linearizable history is linearizable) and reports the operations around the point where that
 * prefix's search got stuck. Stateless apart from its model; one instance may be reused.
 *
 * @param <S> the model's state type
 */
public final class LinearizabilityChecker<S> {
    public static final long DEFAULT_MAX_CONFIGURATIONS = 1_000_000;

    /** The answer for one history. */
    public sealed interface Result {
        /** {@code configurations}: how many (linearized set, state) pairs the search explored. */
        record Linearizable(long configurations) implements Result {
        }

        /** {@code ops}: the operations around the stuck point, in history order; {@code message} explains it. */
        record NotLinearizable(String message, List<Op> ops) implements Result {
        }

        /** The search went past its bound without an answer. */
        record Undecided(long configurations) implements Result {
        }
    }

    private final Model<S> model;
    private final long maxConfigurations;

    public LinearizabilityChecker(Model<S> model) {
        this(model, DEFAULT_MAX_CONFIGURATIONS);
    }

    public LinearizabilityChecker(Model<S> model, long maxConfigurations) {
        this.model = model;
        this.maxConfigurations = maxConfigurations;
    }

    /** Checks {@code history}, the operations on one object in history order (invocations and completions). */
    public Result check(List<Op> history) {
        LinearizationSearch<S> search = search(history);
        return switch (search.run()) {
            case LINEARIZABLE -> new Result.Linearizable(search.configurations());
            case UNDECIDED -> new Result.Undecided(search.configurations());
            case NOT_LINEARIZABLE -> explainShortestPrefix(history);
        };
    }

    private LinearizationSearch<S> search(List<Op> history) {
        List<Call> calls = Call.pair(history).stream().filter(call -> call.outcome() != OpType.FAIL).toList();
        return new LinearizationSearch<>(model, calls, maxConfigurations);
    }

    /**
     * Finds the shortest non-linearizable prefix: {@code bad} always holds one (the whole history at first). A prefix
     * whose search is undecided counts as not proven bad, so the answer stays a proven one.
     */
    private Result explainShortestPrefix(List<Op> history) {
        int good = 0;
        int bad = history.size();
        LinearizationSearch<S> badSearch = null;
        while (bad - good > 1) {
            int middle = (good + bad) >>> 1;
            LinearizationSearch<S> search = search(history.subList(0, middle));
            if (search.run() == LinearizationSearch.Outcome.NOT_LINEARIZABLE) {
                bad = middle;
                badSearch = search;
            } else {
                good = middle;
            }
        }
        if (badSearch == null) {
            badSearch = search(history.subList(0, bad));
            badSearch.run();
        }
        return describe(history.subList(0, bad), badSearch.deepestStuck());
    }

    private static Result describe(List<Op> prefix, LinearizationSearch.Stuck stuck) {
        Op last = prefix.get(prefix.size() - 1);
        Set<Op> ops = new LinkedHashSet<>();
        stuck.blocker().ops().stream().filter(op -> op.index() <= last.index()).forEach(ops::add);
        if (stuck.lastLinearized() != null) {
            stuck.lastLinearized().ops().stream().filter(op -> op.index() <= last.index()).forEach(ops::add);
        }
        for (Call candidate : stuck.candidates()) {
            candidate.ops().stream().filter(op -> op.index() <= last.index()).forEach(ops::add);
        }
        ops.add(last);
        List<Op> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Op::index));
        Call blocker = stuck.blocker();
        String message = "the history is not linearizable from op " + last.index() + " on: after "
                + stuck.linearizedCount() + " operations the model is in state " + stuck.state() + ", and none of "
                + "the operations open then can take effect before op " + blocker.completionIndex() + " completes ("
                + blocker.f() + " " + blocker.invoke().value() + " -> "
                + (blocker.completion() == null ? "?" : blocker.completion().value()) + ")";
        return new Result.NotLinearizable(message, sorted);
    }
}
