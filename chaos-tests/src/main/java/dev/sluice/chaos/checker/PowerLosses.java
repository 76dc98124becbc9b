package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.FaultEvent;
import java.util.List;
import java.util.Set;

/**
 * When the run's power-loss faults happened (pure): the times, on the history's clock, of every START of a
 * power-loss nemesis that did not fail to start. A record acknowledged before one of them may have been lost by it,
 * if it was not yet fsynced where it survived; a record acknowledged after the last one cannot have been.
 *
 * <p>A START is recorded once the nemesis has killed the node(s), dropped their unsynced data and restarted them, so
 * the window it closes is later than the kill by the time those steps took (well under a second per node): a record
 * acknowledged in that moment by the surviving nodes counts as exposed too.
 */
public record PowerLosses(List<Long> startNanos) {
    /** The nemesis names whose faults lose unsynced data (see the power-loss nemeses). */
    public static final Set<String> NEMESES = Set.of("power-loss", "power-loss-all");
    /** How {@code NemesisRunner} describes a fault whose injection threw. */
    static final String FAILED_START = "failed to start";

    public static final PowerLosses NONE = new PowerLosses(List.of());

    public PowerLosses {
        startNanos = startNanos.stream().sorted().toList();
    }

    public static PowerLosses from(List<FaultEvent> faults) {
        return new PowerLosses(faults.stream()
                .filter(event -> event.phase() == FaultEvent.Phase.START && NEMESES.contains(event.nemesis()))
                .filter(event -> !event.description().startsWith(FAILED_START))
                .map(FaultEvent::timeNanos)
                .toList());
    }

    public boolean any() {
        return !startNanos.isEmpty();
    }

    /** Whether a power loss began after {@code nanos}: something acknowledged then was exposed to it. */
    public boolean anyAfter(long nanos) {
        return any() && startNanos.get(startNanos.size() - 1) > nanos;
    }

    /** Whether a power loss began after {@code fromNanos} and before {@code toNanos}. */
    public boolean anyBetween(long fromNanos, long toNanos) {
        return startNanos.stream().anyMatch(start -> start > fromNanos && start < toNanos);
    }
}
