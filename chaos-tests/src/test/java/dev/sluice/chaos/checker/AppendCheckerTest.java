package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.AppendValues;
import dev.sluice.chaos.history.OpFunctions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppendCheckerTest {
    private static final String TOPIC = "events";

    private final HistoryBuilder history = new HistoryBuilder();

    /** The value the workload writes for {@code "<producer>-<seq>"}: with its checksum. */
    static String value(String identity) {
        int dash = identity.lastIndexOf('-');
        return AppendValues.encode(identity.substring(0, dash), Long.parseLong(identity.substring(dash + 1)));
    }

    private static Map<String, Object> sendArgs(String identity) {
        return Map.of("topic", TOPIC, "key", "k", "value", value(identity));
    }

    private void sendOk(String identity, int partition, long offset) {
        String process = identity.substring(0, identity.lastIndexOf('-'));
        history.invoke(process, OpFunctions.SEND, sendArgs(identity));
        history.ok(process, OpFunctions.SEND, Map.of("topic", TOPIC, "key", "k", "value", value(identity),
                "partition", partition, "offset", offset));
    }

    private void read(String identity, int partition, long offset) {
        readRaw(value(identity), partition, offset);
    }

    private void readRaw(String rawValue, int partition, long offset) {
        history.ok("final-reader", OpFunctions.READ,
                Map.of("topic", TOPIC, "partition", partition, "offset", offset, "value", rawValue));
    }

    private Verdict check() {
        return new AppendChecker().check(history.build());
    }

    private static List<String> kinds(Verdict verdict) {
        return verdict.anomalies().stream().map(Verdict.Anomaly::kind).toList();
    }

    @Test
    void everyAcknowledgedValueReadOnceInOrderIsValid() {
        sendOk("p1-0", 0, 0);
        sendOk("p2-0", 1, 0);
        sendOk("p1-1", 0, 1);
        history.invoke("p2", OpFunctions.SEND, sendArgs("p2-1")).info("p2", OpFunctions.SEND, sendArgs("p2-1"));
        history.invoke("p2", OpFunctions.SEND, sendArgs("p2-2")).fail("p2", OpFunctions.SEND, sendArgs("p2-2"), "x");
        history.invoke("p3", OpFunctions.SEND, sendArgs("p3-0"));
        read("p1-0", 0, 0);
        read("p1-1", 0, 1);
        read("p2-0", 1, 0);
        read("p2-1", 1, 3);

        Verdict verdict = check();

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
        assertThat(verdict.checker()).isEqualTo("append");
        assertThat(verdict.stats()).containsEntry("invoked", 6L).containsEntry("acknowledged", 3L)
                .containsEntry("failed", 1L).containsEntry("unknown", 2L).containsEntry("read", 4L)
                .containsEntry("lost", 0L).containsEntry("duplicates", 0L).containsEntry("unknown_present", 1L)
                .containsEntry("offset_gaps", 1L).containsEntry("corrupt", 0L);
    }

    @Test
    void acknowledgedValueMissingFromReadIsLost() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        read("p1-0", 0, 0);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("lost");
        assertThat(verdict.anomalies().get(0).ops()).extracting(op -> op.value().get("value")).contains(value("p1-1"));
        assertThat(verdict.stats()).containsEntry("lost", 1L);
    }

    @Test
    void valueReadTwiceIsDuplicate() {
        sendOk("p1-0", 0, 0);
        read("p1-0", 0, 0);
        read("p1-0", 0, 1);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("duplicate");
        assertThat(verdict.stats()).containsEntry("duplicates", 1L);
    }

    @Test
    void valueNeverSentIsPhantom() {
        sendOk("p1-0", 0, 0);
        read("p1-0", 0, 0);
        read("ghost-7", 0, 1);

        assertThat(kinds(check())).containsExactly("phantom");
    }

    @Test
    void valueFoundAwayFromItsAcknowledgedOffsetIsOffsetMismatch() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        read("p1-0", 0, 0);
        read("p1-1", 0, 5);

        assertThat(kinds(check())).containsExactly("offset-mismatch");
    }

    @Test
    void definitelyFailedValueThatIsReadIsFailedButPresent() {
        history.invoke("p1", OpFunctions.SEND, sendArgs("p1-0"))
                .fail("p1", OpFunctions.SEND, sendArgs("p1-0"), "not_enough_replicas");
        read("p1-0", 0, 0);

        assertThat(kinds(check())).containsExactly("failed-but-present");
    }

    @Test
    void laterSequenceAtLowerOffsetIsReordered() {
        sendOk("p1-0", 0, 1);
        sendOk("p1-1", 0, 0);
        sendOk("p2-0", 0, 2);
        read("p1-1", 0, 0);
        read("p1-0", 0, 1);
        read("p2-0", 0, 2);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("reordered");
        assertThat(verdict.anomalies().get(0).ops()).extracting(op -> op.value().get("value"))
                .containsExactly(value("p1-1"), value("p1-0"));
    }

    @Test
    void producersWithDashesInTheirNamesAreOrderedBySeqOnly() {
        sendOk("producer-a-9", 0, 0);
        sendOk("producer-a-10", 0, 1);
        read("producer-a-9", 0, 0);
        read("producer-a-10", 0, 1);

        assertThat(check().valid()).isTrue();
    }

    @Test
    void repeatedOrBackwardsReadOffsetsAreOffsetGapOrRepeat() {
        history.invoke("p1", OpFunctions.SEND, sendArgs("p1-0")).info("p1", OpFunctions.SEND, sendArgs("p1-0"));
        history.invoke("p2", OpFunctions.SEND, sendArgs("p2-0")).info("p2", OpFunctions.SEND, sendArgs("p2-0"));
        history.invoke("p3", OpFunctions.SEND, sendArgs("p3-0")).info("p3", OpFunctions.SEND, sendArgs("p3-0"));
        read("p1-0", 0, 4);
        read("p2-0", 0, 4);
        read("p3-0", 0, 2);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("offset-gap-or-repeat", "offset-gap-or-repeat");
        assertThat(verdict.anomalies().get(0).message()).contains("repeated");
        assertThat(verdict.anomalies().get(1).message()).contains("backwards");
    }

    @Test
    void manyAnomaliesOfOneKindAreCappedButCounted() {
        for (int seq = 0; seq < Anomalies.DEFAULT_LIMIT_PER_KIND + 10; seq++) {
            sendOk("p1-" + seq, 0, seq);
        }

        Verdict verdict = check();

        assertThat(verdict.anomalies()).hasSize(Anomalies.DEFAULT_LIMIT_PER_KIND + 1);
        assertThat(verdict.anomalies().get(verdict.anomalies().size() - 1).message()).contains("10 more");
        assertThat(verdict.stats()).containsEntry("lost", (long) Anomalies.DEFAULT_LIMIT_PER_KIND + 10);
    }

    @Test
    void aReadValueWhoseChecksumDoesNotMatchIsCorruptNotPhantom() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        read("p1-0", 0, 0);
        String flipped = value("p1-1").replace("p1-1#", "p1-3#");
        readRaw(flipped, 0, 1);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("lost", "corrupt");
        assertThat(verdict.anomalies().get(1).message()).contains(flipped).contains("checksum");
        assertThat(verdict.stats()).containsEntry("corrupt", 1L);
    }

    @Test
    void aValueWithoutAChecksumIsCorrupt() {
        readRaw("p1-0", 0, 0);

        assertThat(kinds(check())).containsExactly("corrupt");
    }

    @Test
    void aCorruptValueIsAnAnomalyEvenWhereNoDurabilityIsPromised() {
        sendOk("p1-0", 0, 0);
        PowerLosses powerLoss = new PowerLosses(List.of(history.last().timeNanos() + 1));
        readRaw(value("p1-0").substring(0, value("p1-0").length() - 1) + "x", 0, 0);

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of()), powerLoss).check(history.build());

        assertThat(kinds(verdict)).contains("corrupt");
        assertThat(verdict.valid()).isFalse();
    }

    /** p1-0, p1-1 acknowledged before the power loss, p1-2 after; p1-1 and p1-2 missing from the read. */
    private PowerLosses lossAfterTwoAcknowledgements() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        PowerLosses powerLoss = new PowerLosses(List.of(history.last().timeNanos() + 1));
        sendOk("p2-0", 1, 0);
        read("p1-0", 0, 0);
        return powerLoss;
    }

    @Test
    void withoutADurabilityPromiseLossBeforeAPowerLossIsMeasuredAndLossAfterItStillFails() {
        PowerLosses powerLoss = lossAfterTwoAcknowledgements();

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of("min.insync.replicas", "2")), powerLoss)
                .check(history.build());

        assertThat(kinds(verdict)).containsExactly("lost");
        assertThat(verdict.anomalies().get(0).message()).contains(value("p2-0"));
        assertThat(verdict.stats()).containsEntry("lost", 1L).containsEntry("lost_after_power_loss", 1L)
                .containsEntry("acknowledged_before_power_loss", 2L).containsEntry("acknowledged", 3L);
        assertThat(verdict.notes()).hasSize(1);
        assertThat(verdict.notes().get(0))
                .contains("1 of 3 acknowledged records (33.33 %) lost after 1 power-loss fault(s)")
                .contains("2 were acknowledged before one (50.00 % of those lost)").contains("measured, not failed");
    }

    @Test
    void withoutADurabilityPromiseOnlyPowerLossExplainsLoss() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        read("p1-0", 0, 0);

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of()), PowerLosses.NONE).check(history.build());

        assertThat(kinds(verdict)).containsExactly("lost");
        assertThat(verdict.notes()).isEmpty();
    }

    @Test
    void underADurabilityPromiseLossBeforeAPowerLossFails() {
        PowerLosses powerLoss = lossAfterTwoAcknowledgements();

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of("durable.acks", "true")), powerLoss)
                .check(history.build());

        assertThat(kinds(verdict)).containsExactly("lost", "lost");
        assertThat(verdict.stats()).containsEntry("lost", 2L).containsEntry("lost_after_power_loss", 1L);
        assertThat(verdict.notes()).hasSize(1);
        assertThat(verdict.notes().get(0)).contains("each is a 'lost' anomaly")
                .contains("durable.acks=true");
    }

    @Test
    void flushEveryMessageAlsoPromisesDurability() {
        PowerLosses powerLoss = lossAfterTwoAcknowledgements();

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of("flush.messages", "1")), powerLoss)
                .check(history.build());

        assertThat(kinds(verdict)).containsExactly("lost", "lost");
    }

    @Test
    void withoutADurabilityPromiseDuplicatesAfterAPowerLossStillFail() {
        sendOk("p1-0", 0, 0);
        PowerLosses powerLoss = new PowerLosses(List.of(history.last().timeNanos() + 1));
        read("p1-0", 0, 0);
        read("p1-0", 0, 1);

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of()), powerLoss).check(history.build());

        assertThat(kinds(verdict)).containsExactly("duplicate");
    }

    @Test
    void recordsOfAPartitionTheFinalReadCouldNotReadAreUnreadEvenAfterAPowerLossWithoutAPromise() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 1, 0);
        PowerLosses powerLoss = new PowerLosses(List.of(history.last().timeNanos() + 1));
        read("p1-0", 0, 0);
        history.add("final-reader", dev.sluice.chaos.history.OpType.INFO, OpFunctions.READ_INCOMPLETE,
                Map.of("topic", TOPIC, "partition", 1), "not read in time");

        Verdict verdict = new AppendChecker(DurabilityPromise.of(Map.of()), powerLoss).check(history.build());

        assertThat(kinds(verdict)).containsExactly("unread");
        assertThat(verdict.anomalies().get(0).message()).contains(value("p1-1")).contains("could not read " + TOPIC
                + "-1");
        assertThat(verdict.stats()).containsEntry("unread", 1L).containsEntry("lost_after_power_loss", 0L)
                .containsEntry("lost", 0L);
        assertThat(verdict.notes().get(0)).contains("0 of 1 acknowledged records (0.00 %) lost")
                .contains("1 more could not be verified");
    }
}
