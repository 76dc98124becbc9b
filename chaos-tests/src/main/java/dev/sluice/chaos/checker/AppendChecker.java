package dev.sluice.chaos.checker;

import dev.sluice.chaos.history.AppendValues;
import dev.sluice.chaos.history.Op;
import dev.sluice.chaos.history.OpFunctions;
import dev.sluice.chaos.history.OpType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks the append workload: idempotent producers ({@code acks=all}) send unique values, then a final read lists
 * every record of the topics ({@code send} and {@code read} entries, see {@link OpFunctions}).
 *
 * <p>Anomalies:
 * <ul>
 *   <li>{@code lost}: a send acknowledged ok whose value the final read did not return anywhere. Where the topic's
 *       configuration does not promise that acknowledged records survive power loss ({@link DurabilityPromise}), a
 *       missing value acknowledged before a power-loss fault ({@link PowerLosses}) is not an anomaly: it is counted
 *       as {@code lost_after_power_loss} and the verdict's notes give the count and the share of acknowledged
 *       records. Under a promise it is {@code lost} like any other.</li>
 *   <li>{@code unread}: a send acknowledged ok in a partition the final read could not read in time
 *       ({@code read-incomplete}): it cannot be verified, and a cluster that cannot serve the read after healing is
 *       a failure too. Never excused by a power loss, so that an unreadable cluster never passes as measured loss.</li>
 *   <li>{@code corrupt}: a value read whose checksum does not match its content ({@link AppendValues}): the record's
 *       bytes changed after it was sent. Always an anomaly, whatever the configuration.</li>
 *   <li>{@code duplicate}: a value the final read returned more than once.</li>
 *   <li>{@code phantom}: a value read that no send ever invoked.</li>
 *   <li>{@code offset-mismatch}: an ok send's acknowledged topic, partition and offset differ from every place the
 *       read found its value.</li>
 *   <li>{@code failed-but-present}: a send that definitely failed ({@code fail}) whose value was read anyway. Sends
 *       completed {@code info} (or never) may be present or not; those present are counted as {@code
 *       unknown_present}.</li>
 *   <li>{@code reordered}: two values of one producer read in one partition where the higher {@code seq} (from
 *       {@code "<process>-<seq>#<crc>"}) sits at the lower offset. Only values that were both read are compared: an
 *       idempotent producer keeps its order within a partition. (This assumes the workload keeps one producer per
 *       process for the whole run; a producer re-created after a timeout has no ordering tie to its predecessor.)</li>
 *   <li>{@code offset-gap-or-repeat}: within one partition the read's offsets, in read order, are not strictly
 *       increasing (a repeated or backwards offset). Gaps alone are legal in a log (retention, compaction) and are
 *       only counted, as {@code offset_gaps}.</li>
 * </ul>
 *
 * <p>Stats: {@code invoked, acknowledged, failed, unknown, read, lost, duplicates, unknown_present, offset_gaps,
 * corrupt}, and with power-loss faults {@code acknowledged_before_power_loss, lost_after_power_loss}.
 * Pure and single-threaded: one call to {@link #check} looks only at its argument.
 */
public final class AppendChecker implements Checker {

    /** Where a record sits: acknowledged by a send or found by the read. */
    private record Location(String topic, long partition, long offset) {
        static Location of(Op op) {
            return new Location(op.stringValue("topic"), op.longValue("partition"), op.longValue("offset"));
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private final DurabilityPromise promise;
    private final PowerLosses powerLosses;

    /** Strict: every acknowledged record must be read back (no power-loss faults to account for). */
    public AppendChecker() {
        this(DurabilityPromise.strict(), PowerLosses.NONE);
    }

    /** Judges loss after the run's {@code powerLosses} by what the append topic's configuration promised. */
    public AppendChecker(DurabilityPromise promise, PowerLosses powerLosses) {
        this.promise = promise;
        this.powerLosses = powerLosses;
    }

    @Override
    public String name() {
        return "append";
    }

    @Override
    public Verdict check(List<Op> history) {
        Map<String, Call> sendByValue = new LinkedHashMap<>();
        for (Call call : Call.pair(history)) {
            if (call.f().equals(OpFunctions.SEND)) {
                sendByValue.put(call.invoke().stringValue("value"), call);
            }
        }
        List<Op> reads = history.stream()
                .filter(op -> op.f().equals(OpFunctions.READ) && op.type() == OpType.OK).toList();
        Map<String, List<Op>> readsByValue = new LinkedHashMap<>();
        for (Op read : reads) {
            readsByValue.computeIfAbsent(read.stringValue("value"), v -> new ArrayList<>()).add(read);
        }
        Set<TopicPartition> unread = history.stream().filter(op -> op.f().equals(OpFunctions.READ_INCOMPLETE))
                .map(op -> new TopicPartition(op.stringValue("topic"), (int) op.longValue("partition")))
                .collect(Collectors.toSet());
        Anomalies anomalies = new Anomalies();
        Map<String, Long> stats = new LinkedHashMap<>();
        checkSends(sendByValue, readsByValue, unread, anomalies, stats);
        checkReadValues(sendByValue, readsByValue, anomalies, stats);
        checkOffsets(reads, anomalies, stats);
        checkProducerOrder(sendByValue, readsByValue, anomalies);
        stats.put("read", (long) reads.size());
        stats.put("lost", anomalies.count("lost"));
        stats.put("corrupt", anomalies.count("corrupt"));
        stats.put("unread", anomalies.count("unread"));
        List<String> notes = new ArrayList<>();
        if (powerLosses.any()) {
            notes.add(powerLossNote(stats));
        }
        return Verdict.of(name(), anomalies.list(), stats, notes);
    }

    /** The measured loss after power-loss faults, as a sentence with the count and the share. */
    private String powerLossNote(Map<String, Long> stats) {
        long unread = stats.get("unread");
        long verifiable = stats.get("acknowledged") - unread;
        long exposed = stats.get("acknowledged_before_power_loss");
        long lost = stats.get("lost_after_power_loss");
        String share = String.format(java.util.Locale.ROOT, "%d of %d acknowledged records (%.2f %%) lost after %d "
                + "power-loss fault(s); %d were acknowledged before one (%.2f %% of those lost)", lost, verifiable,
                percent(lost, verifiable), powerLosses.startNanos().size(), exposed, percent(lost, exposed))
                + (unread == 0 ? "" : "; " + unread + " more could not be verified (see the 'unread' anomalies)");
        return promise.promised()
                ? "power loss: " + share + "; each is a 'lost' anomaly since " + promise.reason()
                : "power loss: " + share + "; measured, not failed: " + promise.reason();
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    /** Each send against the read: lost, failed-but-present, offset-mismatch; counts outcomes. */
    private void checkSends(Map<String, Call> sendByValue, Map<String, List<Op>> readsByValue,
            Set<TopicPartition> unread, Anomalies anomalies, Map<String, Long> stats) {
        long acknowledged = 0;
        long failed = 0;
        long unknown = 0;
        long unknownPresent = 0;
        long exposed = 0;
        long lostAfterPowerLoss = 0;
        for (Map.Entry<String, Call> entry : sendByValue.entrySet()) {
            Call send = entry.getValue();
            List<Op> found = readsByValue.getOrDefault(entry.getKey(), List.of());
            switch (send.outcome()) {
                case OK -> {
                    acknowledged++;
                    TopicPartition partition = new TopicPartition(send.invoke().stringValue("topic"),
                            (int) send.completion().longValue("partition"));
                    if (found.isEmpty() && unread.contains(partition)) {
                        anomalies.add("unread", "send of " + entry.getKey() + " was acknowledged at "
                                + Location.of(send.completion()) + " but the final read could not read " + partition
                                + ": unverified", send.ops());
                        continue;
                    }
                    boolean beforePowerLoss = powerLosses.anyAfter(send.completion().timeNanos());
                    exposed += beforePowerLoss ? 1 : 0;
                    lostAfterPowerLoss += beforePowerLoss && found.isEmpty() ? 1 : 0;
                    if (!found.isEmpty() || !beforePowerLoss || promise.promised()) {
                        checkAcknowledged(entry.getKey(), send, found, anomalies);
                    }
                }
                case FAIL -> {
                    failed++;
                    if (!found.isEmpty()) {
                        anomalies.add("failed-but-present", "send of " + entry.getKey() + " failed ("
                                + send.completion().error() + ") but the read found it at "
                                + Location.of(found.get(0)), concat(send.ops(), found));
                    }
                }
                default -> {
                    unknown++;
                    unknownPresent += found.isEmpty() ? 0 : 1;
                }
            }
        }
        stats.put("invoked", (long) sendByValue.size());
        stats.put("acknowledged", acknowledged);
        stats.put("failed", failed);
        stats.put("unknown", unknown);
        stats.put("unknown_present", unknownPresent);
        if (powerLosses.any()) {
            stats.put("acknowledged_before_power_loss", exposed);
            stats.put("lost_after_power_loss", lostAfterPowerLoss);
        }
    }

    private static void checkAcknowledged(String value, Call send, List<Op> found, Anomalies anomalies) {
        if (found.isEmpty()) {
            anomalies.add("lost", "send of " + value + " was acknowledged at " + Location.of(send.completion())
                    + " but the final read did not return it", send.ops());
            return;
        }
        Location acknowledged = new Location(send.invoke().stringValue("topic"),
                send.completion().longValue("partition"), send.completion().longValue("offset"));
        boolean matches = found.stream().anyMatch(read -> Location.of(read).equals(acknowledged));
        if (!matches) {
            anomalies.add("offset-mismatch", "send of " + value + " was acknowledged at " + acknowledged
                    + " but the read found it at " + Location.of(found.get(0)), concat(send.ops(), found));
        }
    }

    /** Each read value: corrupt (checksum mismatch), phantom (never sent) and duplicate (read twice). */
    private static void checkReadValues(Map<String, Call> sendByValue, Map<String, List<Op>> readsByValue,
            Anomalies anomalies, Map<String, Long> stats) {
        long duplicates = 0;
        for (Map.Entry<String, List<Op>> entry : readsByValue.entrySet()) {
            List<Op> found = entry.getValue();
            if (AppendValues.decode(entry.getKey()).isEmpty()) {
                anomalies.add("corrupt", "the read returned " + entry.getKey() + " at " + Location.of(found.get(0))
                        + ", whose checksum does not match its content: the record changed after it was sent", found);
            } else if (!sendByValue.containsKey(entry.getKey())) {
                anomalies.add("phantom", "the read returned " + entry.getKey() + " at " + Location.of(found.get(0))
                        + " but no send ever carried it", found);
            }
            if (found.size() > 1) {
                duplicates++;
                List<String> where = found.stream().map(read -> Location.of(read).toString()).toList();
                anomalies.add("duplicate", "the read returned " + entry.getKey() + " " + found.size()
                        + " times, at " + where, found);
            }
        }
        stats.put("duplicates", duplicates);
    }

    /** Per partition, the read's offsets in read order must strictly increase; gaps are only counted. */
    private static void checkOffsets(List<Op> reads, Anomalies anomalies, Map<String, Long> stats) {
        Map<TopicPartition, Op> previousByPartition = new HashMap<>();
        long gaps = 0;
        for (Op read : reads) {
            TopicPartition partition = new TopicPartition(read.stringValue("topic"), (int) read.longValue("partition"));
            Op previous = previousByPartition.put(partition, read);
            if (previous == null) {
                continue;
            }
            long before = previous.longValue("offset");
            long now = read.longValue("offset");
            if (now <= before) {
                anomalies.add("offset-gap-or-repeat", "the read of " + partition + " returned offset " + now
                        + " after offset " + before + (now == before ? " (repeated)" : " (backwards)"),
                        List.of(previous, read));
            } else if (now > before + 1) {
                gaps++;
            }
        }
        stats.put("offset_gaps", gaps);
    }

    /** Per producer and partition, sequence numbers must increase with the offset among the values read. */
    private static void checkProducerOrder(Map<String, Call> sendByValue, Map<String, List<Op>> readsByValue,
            Anomalies anomalies) {
        Map<String, List<Op>> byProducerPartition = new LinkedHashMap<>();
        for (Map.Entry<String, List<Op>> entry : readsByValue.entrySet()) {
            AppendValues.Identity seq = AppendValues.decode(entry.getKey()).orElse(null);
            if (seq == null || !sendByValue.containsKey(entry.getKey())) {
                continue;
            }
            // A duplicated value is already reported; its first copy stands for it here.
            Op first = entry.getValue().get(0);
            String key = seq.producer() + " " + Location.of(first).topic() + "-" + first.longValue("partition");
            byProducerPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(first);
        }
        for (List<Op> values : byProducerPartition.values()) {
            values.sort(Comparator.comparingLong(read -> read.longValue("offset")));
            for (int i = 1; i < values.size(); i++) {
                Op lower = values.get(i - 1);
                Op higher = values.get(i);
                if (AppendValues.decode(lower.stringValue("value")).orElseThrow().seq()
                        > AppendValues.decode(higher.stringValue("value")).orElseThrow().seq()) {
                    anomalies.add("reordered", lower.stringValue("value") + " at " + Location.of(lower)
                            + " precedes " + higher.stringValue("value") + " at " + Location.of(higher)
                            + " though it was sent later by the same producer", List.of(lower, higher));
                }
            }
        }
    }

    private static List<Op> concat(List<Op> first, List<Op> second) {
        List<Op> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
