package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import java.util.List;

/** Judges a whole operation history after a run (pure: no I/O, no clock). */
public interface Checker {
    /** Short name used in reports: {@code append}, {@code groups}, {@code metadata}. */
    String name();

    Verdict check(List<Op> history);
}
