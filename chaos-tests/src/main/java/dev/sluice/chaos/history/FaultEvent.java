package dev.sluice.chaos.history;

/**
 * One line of a run's fault timeline ({@code faults.jsonl}): nemesis {@code nemesis} began ({@link Phase#START}) or
 * healed ({@link Phase#HEAL}) a fault at {@code timeNanos} (same clock as {@link Op#timeNanos()}). A fault window is
 * a START and the next HEAL with the same {@code faultId}. {@code description} says what was done, for people:
 * {@code "kill -9 node 2 (active controller)"}, {@code "partition {1,2} | {3}"}.
 */
public record FaultEvent(long timeNanos, long faultId, String nemesis, Phase phase, String description) {
    public enum Phase {
        START, HEAL
    }
}
