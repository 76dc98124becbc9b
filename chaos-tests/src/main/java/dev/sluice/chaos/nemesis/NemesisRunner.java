package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.history.FaultEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Plays a {@link NemesisSchedule} on its own thread: at each window's start the nemesis injects its fault (START on the
 * timeline), at its end it heals (HEAL). A fault that fails to start is recorded as such and still healed. Stopping
 * early heals the active fault first. {@code nowMs} is the load phase's clock (injected, milliseconds).
 */
public final class NemesisRunner implements Runnable {
    private final List<Nemesis> nemeses;
    private final List<NemesisSchedule.Window> windows;
    private final NemesisContext context;
    private final FaultTimeline timeline;
    private final LongSupplier nowMs;
    private final AtomicReference<String> current = new AtomicReference<>("none");
    private volatile boolean stopping;

    public NemesisRunner(List<Nemesis> nemeses, List<NemesisSchedule.Window> windows, NemesisContext context,
            FaultTimeline timeline, LongSupplier nowMs) {
        this.nemeses = nemeses;
        this.windows = windows;
        this.context = context;
        this.timeline = timeline;
        this.nowMs = nowMs;
    }

    /** The fault in progress, for progress lines: {@code none} or its description. */
    public String currentFault() {
        return current.get();
    }

    public void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        long faultId = 0;
        for (NemesisSchedule.Window window : windows) {
            if (!waitUntil(window.startMs())) {
                return;
            }
            Nemesis nemesis = nemeses.get(window.nemesis());
            faultId++;
            String description;
            try {
                description = nemesis.start(context);
            } catch (Exception | AssertionError e) {
                description = "failed to start: " + e;
            }
            timeline.record(faultId, nemesis.name(), FaultEvent.Phase.START, description);
            current.set(nemesis.name() + ": " + description);
            waitUntil(window.endMs());
            heal(faultId, nemesis);
            current.set("none");
        }
    }

    private void heal(long faultId, Nemesis nemesis) {
        String description;
        try {
            description = nemesis.heal(context);
        } catch (Exception | AssertionError e) {
            description = "heal failed: " + e;
        }
        timeline.record(faultId, nemesis.name(), FaultEvent.Phase.HEAL, description);
    }

    /** Returns false when stopped before the time came. */
    private boolean waitUntil(long targetMs) {
        while (!stopping && nowMs.getAsLong() < targetMs) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(200, targetMs - nowMs.getAsLong() + 1)));
        }
        return !stopping;
    }
}
