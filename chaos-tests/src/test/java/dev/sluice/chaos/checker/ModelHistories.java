package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: it runs random operations one after another on a
 * model (sequential), gives the i-th a linearization point at {@code 100 i + 50}, then widens each into an interval
 * around its point by a random amount (overlapped) and writes the invocations and completions in time order. Some
 * operations end {@code info} (taking effect or not), some fail without taking effect, and some never complete.
 */
final class ModelHistories {

    /** One operation run on the model: its arguments, its result (ok, or a failure that is a model result). */
    record Executed<S>(String f, Map<String, Object> args, OpType type, Map<String, Object> result, String error,
            S next) {
    }

    /** Picks a random operation for {@code state} and runs it. */
    interface Executor<S> {
        Executed<S> run(S state, Random random);
    }

    private record Planned(int id, long invokeTime, long completionTime, String f, Map<String, Object> args,
            OpType type, Map<String, Object> result, String error) {
    }

    private record Event(long time, Planned planned, boolean isInvoke) {
    }

    private ModelHistories() {
    }

    static <S> List<Op> generate(Executor<S> executor, S initial, Random random, int count, int spread) {
        S state = initial;
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Executed<S> executed = executor.run(state, random);
            long point = 100L * i + 50;
            long invoke = point - 1 - random.nextInt(spread);
            long completion = point + 1 + random.nextInt(spread);
            double fate = random.nextDouble();
            if (fate < 0.08) {
                planned.add(new Planned(i, invoke, completion, executed.f(), executed.args(), OpType.FAIL, Map.of(),
                        "timeout"));
                continue;
            }
            state = fate < 0.12 ? state : executed.next();
            OpType type = fate < 0.16 ? OpType.INFO : executed.type();
            long end = fate < 0.18 ? Long.MAX_VALUE : completion;
            planned.add(new Planned(i, invoke, end, executed.f(), executed.args(), type,
                    type == OpType.INFO ? Map.of() : executed.result(), type == OpType.INFO ? "timeout"
                            : executed.error()));
        }
        return write(planned);
    }

    /** Lays the planned operations out in time order, each on a process that has nothing else outstanding. */
    private static List<Op> write(List<Planned> planned) {
        List<Event> events = new ArrayList<>();
        for (Planned p : planned) {
            events.add(new Event(p.invokeTime(), p, true));
            if (p.completionTime() != Long.MAX_VALUE) {
                events.add(new Event(p.completionTime(), p, false));
            }
        }
        events.sort(Comparator.comparingLong(Event::time));
        List<Long> busyUntil = new ArrayList<>();
        Map<Integer, String> processOf = new HashMap<>();
        List<Op> ops = new ArrayList<>();
        for (Event event : events) {
            Planned p = event.planned();
            if (event.isInvoke()) {
                int process = 0;
                while (process < busyUntil.size() && busyUntil.get(process) >= p.invokeTime()) {
                    process++;
                }
                if (process == busyUntil.size()) {
                    busyUntil.add(0L);
                }
                busyUntil.set(process, p.completionTime());
                processOf.put(p.id(), "p" + process);
            }
            OpType type = event.isInvoke() ? OpType.INVOKE : p.type();
            Map<String, Object> value = event.isInvoke() ? p.args() : p.result();
            ops.add(new Op(ops.size(), event.time(), processOf.get(p.id()), type, p.f(), value,
                    event.isInvoke() ? null : p.error()));
        }
        return ops;
    }
}
