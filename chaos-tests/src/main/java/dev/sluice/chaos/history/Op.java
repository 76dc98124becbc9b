package dev.sluice.chaos.history;

import java.util.Map;
import java.util.Objects;

/**
 * One entry of a chaos run's operation history, in the style of Jepsen: a client {@code process} first
 * {@link OpType#INVOKE invokes} an operation {@code f}, then completes it with {@link OpType#OK ok} (it happened),
 * {@link OpType#FAIL fail} (it certainly did not happen) or {@link OpType#INFO info} (unknown: it may have happened,
 * e.g. a timeout). Each process has at most one operation outstanding, so a completion pairs with the process's
 * previous invocation.
 *
 * <p>{@code index} is the position in the history (0-based, dense). {@code timeNanos} is monotonic time since the run
 * started. {@code value} holds the operation's arguments on invoke and its result on completion; its keys are fixed
 * per {@code f} by the workload that writes it (see {@link OpFunctions}). {@code error} is the failure's reason, or
 * {@code null}.
 */
public record Op(long index, long timeNanos, String process, OpType type, String f, Map<String, Object> value,
        String error) {
    public Op {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(f, "f");
        value = value == null ? Map.of() : value;
    }

    public boolean isInvoke() {
        return type == OpType.INVOKE;
    }

    public boolean isCompletion() {
        return type != OpType.INVOKE;
    }

    /** The value under {@code key} as a long (JSON numbers read back as Integer or Long). */
    public long longValue(String key) {
        Object raw = value.get(key);
        if (!(raw instanceof Number number)) {
            throw new IllegalStateException("op " + index + " has no numeric '" + key + "': " + value);
        }
        return number.longValue();
    }

    public String stringValue(String key) {
        Object raw = value.get(key);
        return raw == null ? null : raw.toString();
    }
}
