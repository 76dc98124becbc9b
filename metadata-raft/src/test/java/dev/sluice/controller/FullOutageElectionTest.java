package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.apply;
import static dev.sluice.controller.Fixtures.brokers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Leader election after every replica of a partition was lost at once (e.g. a power cut of every node), where each
 * replica may have kept a different part of its log: the member of the last ISR whose log ends furthest leads, so
 * the others truncate nothing another candidate holds.
 */
class FullOutageElectionTest {
    private static final long SESSION_MS = ControllerConfig.DEFAULT.sessionTimeoutMs();
    private static final UUID ORDERS = new UUID(5, 5);
    private final MetadataController controller = new MetadataController(ControllerConfig.DEFAULT,
            new SplittableRandom(3));
    private final LeaderlessReports reports = new LeaderlessReports();

    /** Brokers 1..3, "orders" with replicas [1, 2, 3] all in the ISR, leader 1. */
    private static MetadataImage ordersImage(int minInsyncReplicas) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic("orders", ORDERS));
        records.add(MetadataRecords.config("orders", TopicConfigs.MIN_INSYNC_REPLICAS,
                Integer.toString(minInsyncReplicas)));
        records.add(MetadataRecords.partition(ORDERS, 0,
                new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0)));
        return apply(brokers(3), records);
    }

    private static PartitionImage orders(MetadataImage image) {
        return image.topics().topic("orders").partition(0);
    }

    /** Every broker's session expires, 2 first, then 3, then the leader 1. */
    private MetadataImage loseEveryReplica(MetadataImage image) {
        image = apply(image, controller.tick(image, Map.of(1, 5_000L, 2, 0L, 3, 1_000L), reports, 6_001).records());
        image = apply(image, controller.tick(image, Map.of(1, 5_000L, 3, 1_000L), reports, 7_001).records());
        return apply(image, controller.tick(image, Map.of(1, 5_000L), reports, 11_001).records());
    }

    private MetadataImage comeBack(MetadataImage image, int broker, int leaderEpoch, long logEndOffset, long nowMs) {
        reports.record(broker, List.of(new ReplicaLogEnd(ORDERS, 0, leaderEpoch, logEndOffset)), nowMs);
        ControllerResult<BrokerHeartbeatReply> heartbeat = controller.brokerHeartbeat(image, broker, 1, reports,
                nowMs);
        assertThat(heartbeat.response().error()).isEqualTo(ErrorCode.NONE);
        return apply(image, heartbeat.records());
    }

    @Test
    void replicasFencedWhileTheIsrIsBelowMinInsyncStayEligible() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        PartitionImage lost = orders(image);
        assertThat(lost.leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(lost.isr()).containsExactly(1);
        assertThat(lost.eligibleLeaders()).as("3 left an ISR of 2 < min.insync.replicas; 2 left an ISR of 3")
                .containsExactly(3);
        assertThat(lost.lastIsr()).containsExactly(1, 3);
    }

    @Test
    void sessionsThatExpireInOneTickKeepTheWholeIsrAsCandidates() {
        MetadataImage image = ordersImage(2);
        // E.g. after every node restarted: the new controller gave each a session, none heartbeated since.
        image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 0L, 3, 0L), reports, 6_001).records());
        assertThat(orders(image).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(orders(image).lastIsr()).containsExactly(1, 2, 3);
        image = comeBack(image, 1, 0, 100, 20_000);
        image = comeBack(image, 2, 0, 300, 20_100);
        assertThat(orders(image).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        image = comeBack(image, 3, 0, 200, 20_200);
        assertThat(orders(image).leaderId()).isEqualTo(2);
    }

    @Test
    void aReportFromAReplicaOutsideTheLastIsrStartsNoWait() {
        MetadataImage image = apply(brokers(3), List.of(MetadataRecords.topic("orders", ORDERS),
                MetadataRecords.partition(ORDERS, 0, new PartitionImage(List.of(1, 2, 3), List.of(2, 3), 2, 0, 0))));
        image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 0L, 3, 0L), reports, 6_001).records());
        assertThat(orders(image).lastIsr()).containsExactly(2, 3);
        image = comeBack(image, 1, 0, 900, 20_000);
        image = comeBack(image, 3, 0, 100, 20_000 + SESSION_MS);
        assertThat(orders(image).leaderId()).as("3 is the first candidate back: 2 is waited for from now")
                .isEqualTo(PartitionImage.NO_LEADER);
        image = comeBack(image, 2, 0, 300, 20_100 + SESSION_MS);
        assertThat(orders(image).leaderId()).isEqualTo(2);
    }

    @Test
    void thePreferredReplicaDoesNotLeadALeaderlessPartitionPastTheElection() {
        MetadataImage image = ordersImage(2);
        image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 0L, 3, 0L), reports, 6_001).records());
        // 1, the preferred replica, is back and unfenced with the shortest log; 2 and 3 are not back yet.
        image = comeBack(image, 1, 0, 0, 20_000);
        assertThat(image.cluster().isUnfenced(1)).isTrue();
        assertThat(orders(image).isr()).as("the last ISR, kept while leaderless").contains(1);
        assertThat(controller.rebalanceLeaders(image).records())
                .as("leading it would skip the wait for the candidate whose log ends furthest").isEmpty();
        image = comeBack(image, 2, 0, 300, 20_100);
        image = comeBack(image, 3, 0, 200, 20_200);
        assertThat(orders(image).leaderId()).isEqualTo(2);
    }

    @Test
    void aRegistrationThatWinsTheRaceAgainstTheTickFencesEveryExpiredSessionInOneElection() {
        MetadataImage image = ordersImage(2);
        Map<Integer, Long> heartbeats = new java.util.HashMap<>(Map.of(1, 0L, 2, 0L, 3, 0L));
        BrokerSessions sessions = new BrokerSessions(heartbeats, Map.of(), SESSION_MS);
        ControllerResult<BrokerRegistrationReply> registered = controller.registerBroker(image,
                Fixtures.registration(1, "host1", 7092, ""), sessions, SESSION_MS + 1);
        assertThat(registered.response().error()).isEqualTo(ErrorCode.NONE);
        image = apply(image, registered.records());
        assertThat(image.cluster().isUnfenced(2)).isFalse();
        assertThat(image.cluster().isUnfenced(3)).isFalse();
        assertThat(orders(image).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(orders(image).lastIsr()).as("not just the members left after 1 was fenced alone")
                .containsExactly(1, 2, 3);
    }

    @Test
    void theCandidateWhoseLogEndsFurthestLeadsOnceEveryCandidateIsBack() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        image = comeBack(image, 2, 3, 500, 20_000);
        assertThat(orders(image).leaderId()).as("2 was not in the last ISR, however long its log")
                .isEqualTo(PartitionImage.NO_LEADER);
        image = comeBack(image, 1, 3, 100, 20_500);
        assertThat(orders(image).leaderId()).as("3, a candidate, is not back yet").isEqualTo(PartitionImage.NO_LEADER);
        image = comeBack(image, 3, 3, 120, 21_000);
        PartitionImage led = orders(image);
        assertThat(led.leaderId()).isEqualTo(3);
        assertThat(led.isr()).containsExactly(3);
        assertThat(led.eligibleLeaders()).as("1 still holds every acks=all record").containsExactly(1);
    }

    @Test
    void aLaterLeaderEpochBeatsALongerLog() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        image = comeBack(image, 1, 4, 50, 20_000);
        image = comeBack(image, 3, 3, 900, 20_100);
        assertThat(orders(image).leaderId()).isEqualTo(1);
    }

    @Test
    void aMissingCandidateIsWaitedForOneSessionTimeoutThenTheFurthestBackLeads() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        image = comeBack(image, 1, 3, 100, 20_000);
        Map<Integer, Long> alive = Map.of(1, 20_000L);
        ControllerResult<List<Integer>> early = controller.tick(image, alive, reports, 20_000 + SESSION_MS - 1);
        assertThat(early.records()).isEmpty();
        image = apply(image, controller.tick(image, alive, reports, 20_000 + SESSION_MS).records());
        assertThat(orders(image).leaderId()).isEqualTo(1);
        assertThat(orders(image).eligibleLeaders()).containsExactly(3);
    }

    @Test
    void aCandidateThatDidNotReportIsNotElected() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        ControllerResult<BrokerHeartbeatReply> silent = controller.brokerHeartbeat(image, 1, 1, reports, 20_000);
        image = apply(image, silent.records());
        assertThat(image.cluster().isUnfenced(1)).isTrue();
        image = apply(image, controller.tick(image, Map.of(1, 20_000L), reports, 40_000).records());
        assertThat(orders(image).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
    }

    @Test
    void withMinInsyncOneTheLastIsrMemberAloneIsTheCandidate() {
        MetadataImage image = loseEveryReplica(ordersImage(1));
        assertThat(orders(image).lastIsr()).containsExactly(1);
        image = comeBack(image, 1, 3, 10, 20_000);
        assertThat(orders(image).leaderId()).isEqualTo(1);
        assertThat(orders(image).eligibleLeaders()).isEmpty();
    }

    @Test
    void anIsrBackAtMinInsyncEndsEligibility() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        image = comeBack(image, 1, 3, 100, 20_000);
        image = comeBack(image, 3, 3, 120, 20_100);
        image = comeBack(image, 2, 3, 120, 20_200);
        PartitionImage led = orders(image);
        assertThat(led.eligibleLeaders()).containsExactly(1);
        ControllerResult<AlterPartitionReply> expand = controller.alterPartition(image, ORDERS, 0, 3,
                led.leaderEpoch(), led.partitionEpoch(), List.of(3, 2), Map.of());
        assertThat(expand.response().error()).isEqualTo(ErrorCode.NONE);
        assertThat(orders(apply(image, expand.records())).eligibleLeaders())
                .as("the high watermark now moves without 1").isEmpty();
    }

    @Test
    void anEligibleLeaderThatCatchesUpJoinsTheIsrAndLeavesTheEligibleLeaders() {
        MetadataImage image = loseEveryReplica(ordersImage(2));
        image = comeBack(image, 1, 3, 100, 20_000);
        image = comeBack(image, 3, 3, 120, 20_100);
        PartitionImage led = orders(image);
        ControllerResult<AlterPartitionReply> expand = controller.alterPartition(image, ORDERS, 0, 3,
                led.leaderEpoch(), led.partitionEpoch(), List.of(3, 1), Map.of());
        PartitionImage expanded = orders(apply(image, expand.records()));
        assertThat(expanded.isr()).containsExactly(3, 1);
        assertThat(expanded.eligibleLeaders()).isEmpty();
    }
}
