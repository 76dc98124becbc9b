package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.OpType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One search for a linearization of a set of calls, after Wing and Gong with Lowe's memoization: calls and returns
 * sit in one list ordered by history position; the search repeatedly picks a call that is still open before the first
 * pending return, applies it to the model, and backtracks when it meets a return whose call it could not linearize.
 * Every (linearized set, state) configuration is explored once. Single-use and single-threaded.
 *
 * <p>Ok calls must all be linearized. Calls with an unknown outcome return "after the end", so they may take effect
 * anywhere after their invocation, and the search succeeds once only such calls remain: they may never have happened.
 * Failed calls must be removed by the caller.
 *
 * <p>Besides the caller's bound on configurations, the memo is capped at {@link #MAX_MEMO_WORDS} words of linearized
 * sets (256 MiB), so that a search over a long history gives up as undecided before it exhausts the heap.
 *
 * <p>While searching it remembers the deepest point it got stuck at: the most calls linearized, the model state, the
 * call whose return could not be passed and the calls that were candidates there. That is what a report shows.
 */
final class LinearizationSearch<S> {

    /** How the search ended. */
    enum Outcome {
        LINEARIZABLE, NOT_LINEARIZABLE, UNDECIDED
    }

    /**
     * The deepest point where no call could go next before {@code blocker} returned: {@code lastLinearized} (or
     * {@code null}) brought the model to {@code state}, and none of {@code candidates} could follow it.
     */
    record Stuck(int linearizedCount, Object state, Call lastLinearized, Call blocker, List<Call> candidates) {
    }

    static final long MAX_MEMO_WORDS = 32L << 20;

    private record Configuration(BitSet linearized, Object state) {
    }

    private record Frame<S>(int entry, S stateBefore) {
    }

    private final Model<S> model;
    private final List<Call> calls;
    private final long maxConfigurations;
    // The entry list: entries 1..2n (call of i at its position, return of i at its position), 0 is the head.
    private final int[] callOf;
    private final boolean[] isReturn;
    private final int[] matchingReturn;
    private final int[] next;
    private final int[] previous;
    private long configurations;
    private long memoWords;
    private Stuck deepestStuck;

    LinearizationSearch(Model<S> model, List<Call> calls, long maxConfigurations) {
        this.model = model;
        this.calls = calls;
        this.maxConfigurations = maxConfigurations;
        int size = 2 * calls.size() + 1;
        callOf = new int[size];
        isReturn = new boolean[size];
        matchingReturn = new int[size];
        next = new int[size];
        previous = new int[size];
        buildList();
    }

    private void buildList() {
        record Event(long position, int call, boolean isReturn) {
        }
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            events.add(new Event(call.invoke().index(), i, false));
            events.add(new Event(unknown(call) ? Long.MAX_VALUE : call.completionIndex(), i, true));
        }
        events.sort(Comparator.comparingLong(Event::position));
        int[] callEntry = new int[calls.size()];
        for (int k = 1; k <= events.size(); k++) {
            Event event = events.get(k - 1);
            callOf[k] = event.call();
            isReturn[k] = event.isReturn();
            if (event.isReturn()) {
                matchingReturn[callEntry[event.call()]] = k;
            } else {
                callEntry[event.call()] = k;
            }
            previous[k] = k - 1;
            next[k - 1] = k;
        }
        next[events.size()] = -1;
    }

    private static boolean unknown(Call call) {
        return call.outcome() != OpType.OK;
    }

    Outcome run() {
        S state = model.initial();
        BitSet linearized = new BitSet(calls.size());
        Set<Configuration> seen = new HashSet<>();
        Deque<Frame<S>> stack = new ArrayDeque<>();
        int okRemaining = (int) calls.stream().filter(call -> !unknown(call)).count();
        int entry = next[0];
        while (okRemaining > 0) {
            if (entry != -1 && !isReturn[entry]) {
                Call call = calls.get(callOf[entry]);
                Optional<S> after = model.step(state, call.invoke(), unknown(call) ? null : call.completion());
                if (after.isPresent()) {
                    linearized.set(callOf[entry]);
                    // The memo keeps its own exact-size copy: the working set changes again when the search backtracks.
                    long[] words = linearized.toLongArray();
                    if (seen.add(new Configuration(BitSet.valueOf(words), after.get()))) {
                        memoWords += words.length + 1;
                        if (++configurations > maxConfigurations || memoWords > MAX_MEMO_WORDS) {
                            return Outcome.UNDECIDED;
                        }
                        stack.push(new Frame<>(entry, state));
                        state = after.get();
                        okRemaining -= unknown(call) ? 0 : 1;
                        lift(entry);
                        entry = next[0];
                        continue;
                    }
                    linearized.clear(callOf[entry]);
                }
                entry = next[entry];
            } else {
                noteStuck(entry, linearized.cardinality(), state, stack.peek());
                if (stack.isEmpty()) {
                    return Outcome.NOT_LINEARIZABLE;
                }
                Frame<S> frame = stack.pop();
                state = frame.stateBefore();
                linearized.clear(callOf[frame.entry()]);
                okRemaining += unknown(calls.get(callOf[frame.entry()])) ? 0 : 1;
                unlift(frame.entry());
                entry = next[frame.entry()];
            }
        }
        return Outcome.LINEARIZABLE;
    }

    /** Removes a call entry and its return from the list; {@link #unlift} undoes it (last lifted, first restored). */
    private void lift(int entry) {
        unlink(entry);
        unlink(matchingReturn[entry]);
    }

    private void unlift(int entry) {
        relink(matchingReturn[entry]);
        relink(entry);
    }

    private void unlink(int entry) {
        next[previous[entry]] = next[entry];
        if (next[entry] != -1) {
            previous[next[entry]] = previous[entry];
        }
    }

    private void relink(int entry) {
        next[previous[entry]] = entry;
        if (next[entry] != -1) {
            previous[next[entry]] = entry;
        }
    }

    private void noteStuck(int returnEntry, int linearizedCount, S state, Frame<S> last) {
        if (returnEntry == -1 || (deepestStuck != null && deepestStuck.linearizedCount() >= linearizedCount)) {
            return;
        }
        List<Call> candidates = new ArrayList<>();
        for (int e = next[0]; e != returnEntry; e = next[e]) {
            if (!isReturn[e]) {
                candidates.add(calls.get(callOf[e]));
            }
        }
        Call lastLinearized = last == null ? null : calls.get(callOf[last.entry()]);
        deepestStuck = new Stuck(linearizedCount, state, lastLinearized, calls.get(callOf[returnEntry]), candidates);
    }

    long configurations() {
        return configurations;
    }

    /** Where the search got stuck deepest; {@code null} unless it ended {@link Outcome#NOT_LINEARIZABLE}. */
    Stuck deepestStuck() {
        return deepestStuck;
    }
}
