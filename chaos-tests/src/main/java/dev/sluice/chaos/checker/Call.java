package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One operation of a history as an interval: its invocation and its completion. {@code completion} is {@code null}
 * when the run ended before the operation completed; such a call is treated like an {@code info} one (it may or may
 * not have happened). Times and indexes of a missing completion are {@link Long#MAX_VALUE}: the call stays open until
 * after the end of the history.
 */
public record Call(Op invoke, Op completion) {

    /**
     * Pairs each invocation with its process's next completion of the same operation. Completions with no open
     * invocation (the standalone ok entries such as {@code read} or {@code poll}) are not calls and are skipped.
     * Calls come out in invocation order.
     */
    public static List<Call> pair(List<Op> history) {
        Map<String, Integer> openByProcess = new HashMap<>();
        List<Op> invokes = new ArrayList<>();
        List<Op> completions = new ArrayList<>();
        for (Op op : history) {
            Integer open = openByProcess.get(op.process());
            if (op.isInvoke()) {
                // A process that invokes again without completing lost its previous call: it stays open for ever.
                openByProcess.put(op.process(), invokes.size());
                invokes.add(op);
                completions.add(null);
            } else if (open != null && invokes.get(open).f().equals(op.f())) {
                completions.set(open, op);
                openByProcess.remove(op.process());
            }
        }
        List<Call> calls = new ArrayList<>(invokes.size());
        for (int i = 0; i < invokes.size(); i++) {
            calls.add(new Call(invokes.get(i), completions.get(i)));
        }
        return calls;
    }

    /** {@code OK}, {@code FAIL} or {@code INFO}; a call that never completed counts as {@code INFO}. */
    public OpType outcome() {
        return completion == null ? OpType.INFO : completion.type();
    }

    public String f() {
        return invoke.f();
    }

    public long completionIndex() {
        return completion == null ? Long.MAX_VALUE : completion.index();
    }

    public long completionTimeNanos() {
        return completion == null ? Long.MAX_VALUE : completion.timeNanos();
    }

    /** The invocation and, if any, the completion: the operations an anomaly cites. */
    public List<Op> ops() {
        return completion == null ? List.of(invoke) : List.of(invoke, completion);
    }
}
