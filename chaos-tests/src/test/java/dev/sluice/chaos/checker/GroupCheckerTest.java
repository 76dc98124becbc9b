package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.OpFunctions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupCheckerTest {
    private static final String TOPIC = "orders";

    private final HistoryBuilder history = new HistoryBuilder();

    private void sendOk(String value, int partition, long offset) {
        String process = value.substring(0, value.lastIndexOf('-'));
        Map<String, Object> args = Map.of("topic", TOPIC, "key", "k", "value", value);
        history.invoke(process, OpFunctions.SEND, args);
        history.ok(process, OpFunctions.SEND, Map.of("topic", TOPIC, "key", "k", "value", value,
                "partition", partition, "offset", offset));
    }

    private void membership(String f, String member, int generation, String... partitions) {
        history.ok("c-" + member, f, Map.of("member", member, "generation", generation,
                "partitions", List.of(partitions)));
    }

    private void poll(String member, int partition, long offset, String value) {
        history.ok("c-" + member, OpFunctions.POLL, Map.of("member", member, "generation", 1, "records",
                List.of(Map.of("partition", partition, "offset", offset, "value", value))));
    }

    private Map<String, Object> commitArgs(String member, String partition, long offset) {
        return Map.of("member", member, "generation", 1, "offsets", Map.of(partition, offset));
    }

    private void commitOk(String member, String partition, long offset) {
        history.invoke("c-" + member, OpFunctions.COMMIT, commitArgs(member, partition, offset));
        history.ok("c-" + member, OpFunctions.COMMIT, commitArgs(member, partition, offset));
    }

    private Verdict check() {
        return new GroupChecker().check(history.build());
    }

    private static List<String> kinds(Verdict verdict) {
        return verdict.anomalies().stream().map(Verdict.Anomaly::kind).toList();
    }

    @Test
    void cleanHandOverIsValid() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 1, 0);
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0", TOPIC + "-1");
        poll("m1", 0, 0, "p1-0");
        commitOk("m1", TOPIC + "-0", 1);
        membership(OpFunctions.REVOKE, "m1", 1, TOPIC + "-1");
        membership(OpFunctions.ASSIGN, "m2", 2, TOPIC + "-1");
        poll("m2", 1, 0, "p1-1");
        commitOk("m2", TOPIC + "-1", 1);
        history.invoke("c-m2", OpFunctions.COMMIT, commitArgs("m2", TOPIC + "-1", 1))
                .fail("c-m2", OpFunctions.COMMIT, Map.of(), "rebalance_in_progress");
        sendOk("p1-2", 0, 1);

        Verdict verdict = check();

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
        assertThat(verdict.checker()).isEqualTo("groups");
        assertThat(verdict.stats()).containsEntry("polls", 2L).containsEntry("records_polled", 2L)
                .containsEntry("commits_ok", 2L).containsEntry("commits_failed", 1L)
                .containsEntry("rebalances", 2L).containsEntry("acknowledged", 3L).containsEntry("never_polled", 1L);
    }

    @Test
    void olderOwnerCommittingDuringOverlapIsDoubleOwnership() {
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        membership(OpFunctions.ASSIGN, "m2", 2, TOPIC + "-0");
        commitOk("m1", TOPIC + "-0", 5);
        membership(OpFunctions.LOST, "m1", 1, TOPIC + "-0");

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("double-ownership");
        assertThat(verdict.anomalies().get(0).ops()).extracting(op -> op.f())
                .containsExactly("assign", "assign", "commit", "commit", "lost");
    }

    @Test
    void fencedZombieDuringOverlapIsTolerated() {
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        membership(OpFunctions.ASSIGN, "m2", 2, TOPIC + "-0");
        history.invoke("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-0", 5))
                .fail("c-m1", OpFunctions.COMMIT, Map.of(), "fenced_generation");
        commitOk("m2", TOPIC + "-0", 3);
        membership(OpFunctions.LOST, "m1", 1, TOPIC + "-0");
        commitOk("m1", TOPIC + "-1", 3);

        assertThat(check().valid()).isTrue();
    }

    /**
     * Chaos run 22: a consumer reports the partitions it lost after it has forgotten its member id, so the loss names
     * no member; it still ends what that process's member owned. Otherwise the zombie's ownership never ended, and
     * the rightful owner's later commits were reported as double ownership.
     */
    @Test
    void aLossThatNamesNoMemberEndsWhatTheProcessesMemberOwned() {
        membership(OpFunctions.ASSIGN, "m2", 14, TOPIC + "-3");
        history.ok("c-m1", OpFunctions.ASSIGN, Map.of("member", "m1", "generation", 4,
                "partitions", List.of(TOPIC + "-3")));
        history.invoke("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-3", 10046))
                .fail("c-m1", OpFunctions.COMMIT, Map.of(), "unknown_member_id");
        history.ok("c-m1", OpFunctions.LOST, Map.of("member", "", "generation", 4,
                "partitions", List.of(TOPIC + "-3")));
        commitOk("m2", TOPIC + "-3", 10067);

        Verdict verdict = check();

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
    }

    @Test
    void commitInvokedBeforeTheOverlapIsNotCounted() {
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        history.invoke("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-0", 5));
        membership(OpFunctions.ASSIGN, "m2", 2, TOPIC + "-0");
        history.ok("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-0", 5));
        membership(OpFunctions.REVOKE, "m1", 1, TOPIC + "-0");

        assertThat(check().valid()).isTrue();
    }

    @Test
    void lowerCommitAfterAHigherOneCompletedIsCommitRegressed() {
        commitOk("m1", TOPIC + "-0", 10);
        commitOk("m2", TOPIC + "-0", 4);
        commitOk("m2", TOPIC + "-1", 2);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("commit-regressed");
        assertThat(verdict.anomalies().get(0).message()).contains("offset 4").contains("10");
    }

    @Test
    void concurrentCommitsMayLandInEitherOrder() {
        history.invoke("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-0", 10));
        history.invoke("c-m2", OpFunctions.COMMIT, commitArgs("m2", TOPIC + "-0", 4));
        history.ok("c-m1", OpFunctions.COMMIT, commitArgs("m1", TOPIC + "-0", 10));
        history.ok("c-m2", OpFunctions.COMMIT, commitArgs("m2", TOPIC + "-0", 4));

        assertThat(check().valid()).isTrue();
    }

    @Test
    void committingPastARecordNoPollReturnedIsSkipped() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        sendOk("p1-2", 0, 2);
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        poll("m1", 0, 0, "p1-0");
        poll("m1", 0, 2, "p1-2");
        commitOk("m1", TOPIC + "-0", 3);

        Verdict verdict = check();

        assertThat(kinds(verdict)).containsExactly("skipped");
        assertThat(verdict.anomalies().get(0).message()).contains("p1-1");
        assertThat(verdict.stats()).containsEntry("never_polled", 1L);
    }

    @Test
    void unpolledRecordBeyondTheCommittedOffsetIsOnlyCounted() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        sendOk("other-0", 1, 0);
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        poll("m1", 0, 0, "p1-0");
        commitOk("m1", TOPIC + "-0", 1);

        Verdict verdict = check();

        assertThat(verdict.valid()).isTrue();
        assertThat(verdict.stats()).containsEntry("never_polled", 2L);
    }

    /** A power loss right after the last operation written so far. */
    private PowerLosses powerLossNow() {
        return new PowerLosses(List.of(history.last().timeNanos() + 1));
    }

    private Verdict check(DurabilityPromise promise, PowerLosses powerLosses) {
        return new GroupChecker(promise, powerLosses).check(history.build());
    }

    /** p1-1 acknowledged, then a power loss, then the group commits past it without having polled it. */
    private PowerLosses skippedAcrossAPowerLoss() {
        sendOk("p1-0", 0, 0);
        sendOk("p1-1", 0, 1);
        PowerLosses powerLoss = powerLossNow();
        membership(OpFunctions.ASSIGN, "m1", 1, TOPIC + "-0");
        poll("m1", 0, 0, "p1-0");
        commitOk("m1", TOPIC + "-0", 2);
        return powerLoss;
    }

    @Test
    void withoutADurabilityPromiseASkipAfterAPowerLossIsCountedNotReported() {
        PowerLosses powerLoss = skippedAcrossAPowerLoss();

        Verdict verdict = check(DurabilityPromise.of(Map.of()), powerLoss);

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
        assertThat(verdict.stats()).containsEntry("skipped_after_power_loss", 1L);
    }

    @Test
    void underADurabilityPromiseASkipAfterAPowerLossIsReported() {
        PowerLosses powerLoss = skippedAcrossAPowerLoss();

        assertThat(kinds(check(DurabilityPromise.of(Map.of("durable.acks", "true")), powerLoss)))
                .containsExactly("skipped");
    }

    @Test
    void withoutADurabilityPromiseACommitRegressionAcrossAPowerLossIsCountedNotReported() {
        commitOk("m1", TOPIC + "-0", 10);
        PowerLosses powerLoss = powerLossNow();
        commitOk("m2", TOPIC + "-0", 4);

        Verdict verdict = check(DurabilityPromise.of(Map.of()), powerLoss);

        assertThat(verdict.valid()).as("%s", verdict.anomalies()).isTrue();
        assertThat(verdict.stats()).containsEntry("commit_regressions_after_power_loss", 1L);
        assertThat(kinds(check(DurabilityPromise.of(Map.of("flush.messages", "1")), powerLoss)))
                .containsExactly("commit-regressed");
    }

    @Test
    void aCommitRegressionThatNoPowerLossSeparatesIsReportedEvenWithoutAPromise() {
        PowerLosses earlier = new PowerLosses(List.of(0L));
        commitOk("m1", TOPIC + "-0", 10);
        commitOk("m2", TOPIC + "-0", 4);
        PowerLosses later = powerLossNow();

        assertThat(kinds(check(DurabilityPromise.of(Map.of()), earlier))).containsExactly("commit-regressed");
        assertThat(kinds(check(DurabilityPromise.of(Map.of()), later))).containsExactly("commit-regressed");
    }
}
