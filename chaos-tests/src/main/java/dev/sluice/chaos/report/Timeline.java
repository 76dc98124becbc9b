package dev.sluice.chaos.report;

import dev.sluice.chaos.history.FaultEvent;
import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Report aggregation (pure): per workload and per second, how many operations completed ok and the p50/p99 latency of
 * those with an invocation; and the fault windows (START paired with HEAL by fault id). A history op belongs to a
 * workload by its process name prefix ({@code producer}/{@code final-reader} → append, {@code consumer} → groups,
 * {@code admin} → metadata).
 */
public final class Timeline {
    /** One second of one workload. Latencies in milliseconds, -1 when no op of that second had one. */
    public record Second(long second, long okCount, double p50Ms, double p99Ms) {
    }

    /** A fault window in seconds since the run began; {@code endSecond} is the run's end when never healed. */
    public record Window(double startSecond, double endSecond, String nemesis, String description) {
    }

    private Timeline() {
    }

    public static String workloadOf(String process) {
        if (process.startsWith("producer") || process.startsWith("final-reader")) {
            return "append";
        }
        if (process.startsWith("consumer")) {
            return "groups";
        }
        if (process.startsWith("admin")) {
            return "metadata";
        }
        return "other";
    }

    public static Map<String, List<Second>> perSecond(List<Op> history) {
        Map<String, Op> pending = new HashMap<>();
        Map<String, TreeMap<Long, long[]>> counts = new LinkedHashMap<>();
        Map<String, TreeMap<Long, List<Double>>> latencies = new LinkedHashMap<>();
        for (Op op : history) {
            String workload = workloadOf(op.process());
            long second = op.timeNanos() / 1_000_000_000L;
            if (op.isInvoke()) {
                pending.put(op.process(), op);
                continue;
            }
            Op invoke = pending.remove(op.process());
            if (op.type() != OpType.OK) {
                continue;
            }
            counts.computeIfAbsent(workload, w -> new TreeMap<>()).computeIfAbsent(second, s -> new long[1])[0]++;
            if (invoke != null && invoke.f().equals(op.f())) {
                latencies.computeIfAbsent(workload, w -> new TreeMap<>()).computeIfAbsent(second,
                        s -> new ArrayList<>()).add((op.timeNanos() - invoke.timeNanos()) / 1e6);
            }
        }
        Map<String, List<Second>> result = new LinkedHashMap<>();
        counts.forEach((workload, bySecond) -> {
            List<Second> seconds = new ArrayList<>();
            long last = bySecond.lastKey();
            for (long s = 0; s <= last; s++) {
                long[] count = bySecond.get(s);
                List<Double> lat = latencies.getOrDefault(workload, new TreeMap<>()).get(s);
                seconds.add(new Second(s, count == null ? 0 : count[0], percentile(lat, 0.50),
                        percentile(lat, 0.99)));
            }
            result.put(workload, seconds);
        });
        return result;
    }

    public static List<Window> windows(List<FaultEvent> events, double endSecond) {
        Map<Long, FaultEvent> starts = new LinkedHashMap<>();
        List<Window> windows = new ArrayList<>();
        for (FaultEvent event : events) {
            if (event.phase() == FaultEvent.Phase.START) {
                starts.put(event.faultId(), event);
            } else {
                FaultEvent start = starts.remove(event.faultId());
                if (start != null) {
                    windows.add(new Window(start.timeNanos() / 1e9, event.timeNanos() / 1e9, start.nemesis(),
                            start.description()));
                }
            }
        }
        starts.values().forEach(s -> windows.add(new Window(s.timeNanos() / 1e9, endSecond, s.nemesis(),
                s.description() + " (never healed)")));
        return windows;
    }

    /** Nearest-rank percentile; -1 for no samples. */
    static double percentile(List<Double> samples, double quantile) {
        if (samples == null || samples.isEmpty()) {
            return -1;
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
