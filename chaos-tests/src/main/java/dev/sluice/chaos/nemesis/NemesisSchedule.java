package dev.sluice.chaos.nemesis;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The plan of a run's faults (pure): after a warm-up, fault windows of {@code faultMinMs..faultMaxMs} alternate with
 * quiet periods of {@code quietMs}, each window taking a nemesis round-robin over a seeded shuffle, until the load
 * phase ends. Times are milliseconds since the load phase began. The same seed gives the same plan.
 */
public final class NemesisSchedule {
    /** One fault window: nemesis number {@code nemesis} (index into the list given) from start to end. */
    public record Window(long startMs, long endMs, int nemesis) {
    }

    private NemesisSchedule() {
    }

    public static List<Window> plan(RandomGenerator random, int nemeses, long durationMs, long warmUpMs,
            long faultMinMs, long faultMaxMs, long quietMs) {
        List<Window> windows = new ArrayList<>();
        if (nemeses == 0) {
            return windows;
        }
        List<Integer> order = new ArrayList<>();
        long at = warmUpMs;
        while (true) {
            long length = faultMinMs + (faultMaxMs > faultMinMs ? random.nextLong(faultMaxMs - faultMinMs + 1) : 0);
            if (at + length > durationMs) {
                return windows;
            }
            if (order.isEmpty()) {
                for (int i = 0; i < nemeses; i++) {
                    order.add(i);
                }
                shuffle(order, random);
            }
            windows.add(new Window(at, at + length, order.remove(0)));
            at += length + quietMs;
        }
    }

    private static void shuffle(List<Integer> list, RandomGenerator random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }
}
