package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the groups workload: consumers of one group report their assignments ({@code assign}, {@code revoke},
 * {@code lost}), what they polled ({@code poll}) and their offset commits ({@code commit}); producers in the same
 * history write {@code send} entries (see {@link OpFunctions}). The history is assumed to hold one group.
 *
 * <p>Anomalies:
 * <ul>
 *   <li>{@code double-ownership}: two members owned one partition at once and the older owner (the one assigned
 *       first) got an ok {@code commit} for that partition invoked inside the overlap. A member owns a partition from
 *       its {@code assign} entry to its next {@code revoke}/{@code lost} entry for it (see {@link Ownership}).
 *       Overlaps alone are tolerated: a zombie that has not yet heard of the rebalance is expected, and it is harmless
 *       as long as the coordinator fences its commits. A commit invoked before the overlap began may have been applied
 *       before it, so it is not counted. Times are compared as history positions, which order entries as their
 *       {@code time_ns} do.</li>
 *   <li>{@code commit-regressed}: for one partition, an ok commit of a lower offset than an ok commit that had
 *       already completed before it was invoked. Commits that overlap in time may be applied in either order, so only
 *       commits ordered in real time are compared.</li>
 *   <li>{@code skipped}: an acknowledged send to a topic the group consumed that no poll returned, although an ok
 *       commit for its partition went past its offset: the group claimed a record it never processed.</li>
 * </ul>
 *
 * <p>Power loss: where the append topic's configuration does not promise that acknowledged records survive it
 * ({@link DurabilityPromise}), a {@code skipped} record acknowledged before a power-loss fault ({@link PowerLosses})
 * and a {@code commit-regressed} whose higher commit completed before one and whose lower commit was invoked after
 * it are expected consequences of the loss: they are counted ({@code skipped_after_power_loss},
 * {@code commit_regressions_after_power_loss}) instead of reported. Under a promise they are anomalies.
 *
 * <p>Stats: {@code polls, records_polled, commits_ok, commits_failed, commits_unknown, rebalances} (distinct
 * generations assigned), {@code acknowledged} (sends to the group's topics) and {@code never_polled} (those no poll
 * returned; not an anomaly unless committed past, since the run may end before the group catches up). Pure and
 * single-threaded.
 */
public final class GroupChecker implements Checker {

    /** One partition's offset in an ok commit; offsets are the next offset to read, as Kafka commits them. */
    private record CommittedOffset(Call commit, TopicPartition partition, long offset) {
    }

    private final DurabilityPromise promise;
    private final PowerLosses powerLosses;

    /** Strict: no power-loss faults to account for. */
    public GroupChecker() {
        this(DurabilityPromise.strict(), PowerLosses.NONE);
    }

    public GroupChecker(DurabilityPromise promise, PowerLosses powerLosses) {
        this.promise = promise;
        this.powerLosses = powerLosses;
    }

    @Override
    public String name() {
        return "groups";
    }

    @Override
    public Verdict check(List<Op> history) {
        List<Call> calls = Call.pair(history);
        List<Call> commits = calls.stream().filter(call -> call.f().equals(OpFunctions.COMMIT)).toList();
        Map<TopicPartition, List<CommittedOffset>> committed = committedOffsets(commits);
        Anomalies anomalies = new Anomalies();
        Map<String, Long> stats = new LinkedHashMap<>();
        checkOwnership(Ownership.fromHistory(history), committed, anomalies);
        checkCommitOrder(committed, anomalies, stats);
        checkSkipped(history, calls, committed, anomalies, stats);
        countOps(history, commits, stats);
        return Verdict.of(name(), anomalies.list(), stats);
    }

    private static Map<TopicPartition, List<CommittedOffset>> committedOffsets(List<Call> commits) {
        Map<TopicPartition, List<CommittedOffset>> byPartition = new LinkedHashMap<>();
        for (Call commit : commits) {
            if (commit.outcome() != OpType.OK || !(commit.invoke().value().get("offsets") instanceof Map<?, ?> map)) {
                continue;
            }
            map.forEach((name, offset) -> {
                TopicPartition partition = TopicPartition.parse(name.toString());
                byPartition.computeIfAbsent(partition, p -> new ArrayList<>())
                        .add(new CommittedOffset(commit, partition, ((Number) offset).longValue()));
            });
        }
        return byPartition;
    }

    /** For each pair of overlapping ownerships of a partition, looks for an ok commit by the older owner inside. */
    private static void checkOwnership(Map<TopicPartition, List<Ownership>> ownerships,
            Map<TopicPartition, List<CommittedOffset>> committed, Anomalies anomalies) {
        ownerships.forEach((partition, intervals) -> {
            List<CommittedOffset> commits = committed.getOrDefault(partition, List.of());
            for (int i = 0; i < intervals.size(); i++) {
                Ownership older = intervals.get(i);
                for (int j = i + 1; j < intervals.size(); j++) {
                    Ownership newer = intervals.get(j);
                    if (newer.startIndex() >= older.endIndex()) {
                        break;
                    }
                    if (!newer.owner().equals(older.owner())) {
                        checkOverlap(older, newer, commits, anomalies);
                    }
                }
            }
        });
    }

    private static void checkOverlap(Ownership older, Ownership newer, List<CommittedOffset> commits,
            Anomalies anomalies) {
        long overlapStart = newer.startIndex();
        long overlapEnd = Math.min(older.endIndex(), newer.endIndex());
        for (CommittedOffset committed : commits) {
            Op invoke = committed.commit().invoke();
            if (Ownership.ownerOf(invoke).equals(older.owner())
                    && invoke.index() >= overlapStart && invoke.index() < overlapEnd) {
                List<Op> ops = new ArrayList<>(older.ops());
                ops.addAll(newer.ops());
                ops.addAll(committed.commit().ops());
                ops.sort(Comparator.comparingLong(Op::index));
                anomalies.add("double-ownership", older.partition() + " was owned by " + older.owner() + " and "
                        + newer.owner() + " at once, and " + older.owner() + " committed offset "
                        + committed.offset() + " after " + newer.owner() + " took it over", ops);
            }
        }
    }

    /** Per partition, an ok commit must not go below one that completed before it was invoked. */
    private void checkCommitOrder(Map<TopicPartition, List<CommittedOffset>> committed, Anomalies anomalies,
            Map<String, Long> stats) {
        long[] afterPowerLoss = {0};
        committed.forEach((partition, offsets) -> {
            List<CommittedOffset> byInvoke = new ArrayList<>(offsets);
            byInvoke.sort(Comparator.comparingLong(c -> c.commit().invoke().index()));
            List<CommittedOffset> byCompletion = new ArrayList<>(offsets);
            byCompletion.sort(Comparator.comparingLong(c -> c.commit().completionIndex()));
            CommittedOffset highest = null;
            int completed = 0;
            for (CommittedOffset commit : byInvoke) {
                while (completed < byCompletion.size() && byCompletion.get(completed).commit().completionIndex()
                        < commit.commit().invoke().index()) {
                    CommittedOffset done = byCompletion.get(completed++);
                    highest = highest == null || done.offset() > highest.offset() ? done : highest;
                }
                if (highest != null && commit.offset() < highest.offset() && excusedByPowerLoss(
                        highest.commit().completion().timeNanos(), commit.commit().invoke().timeNanos())) {
                    afterPowerLoss[0]++;
                } else if (highest != null && commit.offset() < highest.offset()) {
                    List<Op> ops = new ArrayList<>(highest.commit().ops());
                    ops.addAll(commit.commit().ops());
                    anomalies.add("commit-regressed", partition + ": commit of offset " + commit.offset()
                            + " by " + Ownership.ownerOf(commit.commit().invoke()) + " succeeded after a commit of "
                            + highest.offset() + " had completed", ops);
                }
            }
        });
        if (powerLosses.any()) {
            stats.put("commit_regressions_after_power_loss", afterPowerLoss[0]);
        }
    }

    /** Whether a power loss between the two times explains a loss, where no durability was promised. */
    private boolean excusedByPowerLoss(long beforeNanos, long afterNanos) {
        return !promise.promised() && powerLosses.anyBetween(beforeNanos, afterNanos);
    }

    /** Acknowledged sends to the group's topics that no poll returned, reported if a commit went past them. */
    private void checkSkipped(List<Op> history, List<Call> calls,
            Map<TopicPartition, List<CommittedOffset>> committed, Anomalies anomalies, Map<String, Long> stats) {
        Set<String> topics = groupTopics(history, committed);
        Set<String> polled = polledValues(history);
        Map<TopicPartition, CommittedOffset> highest = new HashMap<>();
        committed.forEach((partition, offsets) -> highest.put(partition,
                offsets.stream().max(Comparator.comparingLong(CommittedOffset::offset)).orElseThrow()));
        long acknowledged = 0;
        long neverPolled = 0;
        long skippedAfterPowerLoss = 0;
        for (Call send : calls) {
            String topic = send.invoke().stringValue("topic");
            if (!send.f().equals(OpFunctions.SEND) || send.outcome() != OpType.OK || !topics.contains(topic)) {
                continue;
            }
            acknowledged++;
            String value = send.invoke().stringValue("value");
            if (polled.contains(value)) {
                continue;
            }
            neverPolled++;
            TopicPartition partition = new TopicPartition(topic, (int) send.completion().longValue("partition"));
            long offset = send.completion().longValue("offset");
            CommittedOffset past = highest.get(partition);
            if (past != null && past.offset() > offset
                    && excusedByPowerLoss(send.completion().timeNanos(), Long.MAX_VALUE)) {
                skippedAfterPowerLoss++;
            } else if (past != null && past.offset() > offset) {
                List<Op> ops = new ArrayList<>(send.ops());
                ops.addAll(past.commit().ops());
                anomalies.add("skipped", value + " was acknowledged at " + partition + "@" + offset
                        + " and never polled, yet the group committed " + past.offset(), ops);
            }
        }
        stats.put("acknowledged", acknowledged);
        stats.put("never_polled", neverPolled);
        if (powerLosses.any()) {
            stats.put("skipped_after_power_loss", skippedAfterPowerLoss);
        }
    }

    /** The topics the group consumed: those it was assigned or committed. */
    private static Set<String> groupTopics(List<Op> history, Map<TopicPartition, List<CommittedOffset>> committed) {
        Set<String> topics = new HashSet<>();
        committed.keySet().forEach(partition -> topics.add(partition.topic()));
        for (Op op : history) {
            if (op.type() == OpType.OK && Ownership.isMembershipChange(op.f())) {
                Ownership.partitionsOf(op).forEach(partition -> topics.add(partition.topic()));
            }
        }
        return topics;
    }

    private static Set<String> polledValues(List<Op> history) {
        Set<String> values = new HashSet<>();
        for (Op op : history) {
            if (op.f().equals(OpFunctions.POLL) && op.type() == OpType.OK) {
                records(op).forEach(record -> values.add(String.valueOf(record.get("value"))));
            }
        }
        return values;
    }

    private static List<Map<?, ?>> records(Op poll) {
        List<Map<?, ?>> records = new ArrayList<>();
        if (poll.value().get("records") instanceof List<?> list) {
            list.forEach(record -> records.add((Map<?, ?>) record));
        }
        return records;
    }

    private static void countOps(List<Op> history, List<Call> commits, Map<String, Long> stats) {
        long polls = 0;
        long recordsPolled = 0;
        Set<Long> generations = new HashSet<>();
        for (Op op : history) {
            if (op.type() != OpType.OK) {
                continue;
            }
            if (op.f().equals(OpFunctions.POLL)) {
                polls++;
                recordsPolled += records(op).size();
            } else if (op.f().equals(OpFunctions.ASSIGN) && op.value().get("generation") instanceof Number number) {
                generations.add(number.longValue());
            }
        }
        stats.put("polls", polls);
        stats.put("records_polled", recordsPolled);
        stats.put("commits_ok", commits.stream().filter(c -> c.outcome() == OpType.OK).count());
        stats.put("commits_failed", commits.stream().filter(c -> c.outcome() == OpType.FAIL).count());
        stats.put("commits_unknown", commits.stream().filter(c -> c.outcome() == OpType.INFO).count());
        stats.put("rebalances", (long) generations.size());
    }
}
