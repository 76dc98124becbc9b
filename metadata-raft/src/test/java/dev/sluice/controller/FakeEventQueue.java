package dev.sluice.controller;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/** Runs events on the test thread when told; periodic events run on {@link #runPeriodic()}. */
final class FakeEventQueue implements ControllerEventQueue {
    private final Deque<Runnable> events = new ArrayDeque<>();
    private final List<Runnable> periodic = new ArrayList<>();
    private boolean closed;

    @Override
    public void append(Runnable event) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        events.addLast(event);
    }

    @Override
    public void schedulePeriodic(Runnable event, long periodMs) {
        periodic.add(event);
    }

    void runAll() {
        while (!events.isEmpty()) {
            events.pollFirst().run();
        }
    }

    void runPeriodic() {
        periodic.forEach(Runnable::run);
        runAll();
    }

    @Override
    public void close() {
        runAll();
        closed = true;
    }
}
