package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.apply;
import static dev.sluice.controller.Fixtures.brokers;
import static dev.sluice.controller.Fixtures.create;
import static dev.sluice.controller.Fixtures.newTopic;
import static dev.sluice.controller.Fixtures.noSessions;
import static dev.sluice.controller.Fixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BrokerAndPartitionControlTest {
    private static final long SESSION_MS = 6000;
    private final MetadataController controller = new MetadataController(ControllerConfig.DEFAULT,
            new SplittableRandom(3));

    /** Brokers 1..3 unfenced, topic "orders" with one partition, replicas [1, 2, 3], leader 1. */
    private MetadataImage ordersImage(Map<String, String> configs) {
        MetadataImage image = brokers(3);
        UUID id = new UUID(5, 5);
        List<MetadataRecord> records = new java.util.ArrayList<>();
        records.add(MetadataRecords.topic("orders", id));
        configs.forEach((key, value) -> records.add(MetadataRecords.config("orders", key, value)));
        records.add(MetadataRecords.partition(id, 0,
                new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0)));
        return apply(image, records);
    }

    /** Registers by a new incarnation of a broker whose previous one (if any) has no live session. */
    private ControllerResult<BrokerRegistrationReply> register(MetadataImage image, int id, String host, int port,
            String rack) {
        return controller.registerBroker(image, registration(id, host, port, rack), noSessions(), 0);
    }

    private static PartitionImage orders(MetadataImage image) {
        return image.topics().topic("orders").partition(0);
    }

    private static UUID ordersId(MetadataImage image) {
        return image.topics().topic("orders").id();
    }

    @Test
    void registrationGivesIncreasingEpochsAndStartsFenced() {
        ControllerResult<BrokerRegistrationReply> first = register(MetadataImage.EMPTY, 7, "h", 1, "r1");
        assertThat(first.response()).isEqualTo(new BrokerRegistrationReply(ErrorCode.NONE, "", 1));
        MetadataImage image = apply(MetadataImage.EMPTY, first.records());
        assertThat(image.cluster().broker(7).fenced()).isTrue();
        assertThat(register(image, 7, "h", 1, "r1").response().brokerEpoch()).isEqualTo(2);
        assertThat(register(image, 8, "h", 0, "").response().error())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void firstHeartbeatUnfencesAndStaleEpochsAreFenced() {
        MetadataImage image = apply(MetadataImage.EMPTY, register(MetadataImage.EMPTY, 7, "h", 1, "")
                .records());
        assertThat(controller.brokerHeartbeat(image, 7, 0, LeaderlessReports.NONE, 0).response().error())
                .isEqualTo(ErrorCode.FENCED_EPOCH);
        assertThat(controller.brokerHeartbeat(image, 8, 1, LeaderlessReports.NONE, 0).response().error())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        ControllerResult<BrokerHeartbeatReply> heartbeat = controller.brokerHeartbeat(image, 7, 1,
                LeaderlessReports.NONE, 0);
        assertThat(heartbeat.response().fenced()).isFalse();
        assertThat(heartbeat.records()).containsExactly(MetadataRecords.unfenceBroker(7, 1));
        image = apply(image, heartbeat.records());
        assertThat(controller.brokerHeartbeat(image, 7, 1, LeaderlessReports.NONE, 0).records()).isEmpty();
    }

    @Test
    void tickFencesExpiredBrokersAndElectsFromTheIsr() {
        MetadataImage image = ordersImage(Map.of());
        Map<Integer, Long> heartbeats = Map.of(1, 1_000L, 2, 5_000L, 3, 5_000L);
        assertThat(controller.tick(image, heartbeats, LeaderlessReports.NONE, 1_000 + SESSION_MS).records())
                .as("exactly the session timeout is not expired").isEmpty();
        ControllerResult<List<Integer>> tick = controller.tick(image, heartbeats, LeaderlessReports.NONE,
                1_001 + SESSION_MS);
        assertThat(tick.response()).containsExactly(1);
        MetadataImage next = apply(image, tick.records());
        assertThat(next.cluster().broker(1).fenced()).isTrue();
        assertThat(orders(next)).isEqualTo(new PartitionImage(List.of(1, 2, 3), List.of(2, 3), 2, 1, 1));
    }

    @Test
    void noEligibleReplicaLeavesNoLeaderUntilOneComesBack() {
        MetadataImage image = ordersImage(Map.of());
        image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 0L, 3, 0L), LeaderlessReports.NONE,
                SESSION_MS + 1).records());
        PartitionImage leaderless = orders(image);
        assertThat(leaderless.leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        // Fenced in one tick, the whole ISR is kept: every member is a candidate (see FullOutageElectionTest).
        assertThat(leaderless.isr()).as("the ISR is never emptied").isEqualTo(List.of(1, 2, 3));
        LeaderlessReports reports = new LeaderlessReports();
        reports.record(3, List.of(new ReplicaLogEnd(ordersId(image), 0, 0, 10)), 20_000);
        image = apply(image, controller.brokerHeartbeat(image, 3, 1, reports, 20_000).records());
        assertThat(orders(image).leaderId()).as("1 and 2 may still come back").isEqualTo(PartitionImage.NO_LEADER);
        image = apply(image, controller.tick(image, Map.of(3, 20_000L), reports, 20_000 + SESSION_MS).records());
        assertThat(orders(image).leaderId()).isEqualTo(3);
        assertThat(orders(image).isr()).containsExactly(3);
    }

    @Test
    void uncleanElectionOnlyWhenTheTopicAllowsIt() {
        for (boolean unclean : new boolean[] {false, true}) {
            MetadataImage image = ordersImage(Map.of(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE,
                    Boolean.toString(unclean)));
            // Broker 1 alone is in the ISR; it is fenced while 2 and 3 are alive.
            image = apply(image, List.of(MetadataRecords.partitionChange(ordersId(image), 0, null, List.of(1),
                    null)));
            image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 9_000L, 3, 9_000L), LeaderlessReports.NONE,
                    9_000).records());
            PartitionImage partition = orders(image);
            if (unclean) {
                assertThat(partition.leaderId()).isEqualTo(2);
                assertThat(partition.isr()).containsExactly(2);
            } else {
                assertThat(partition.leaderId()).isEqualTo(PartitionImage.NO_LEADER);
                assertThat(partition.isr()).containsExactly(1);
            }
        }
    }

    @Test
    void reRegistrationOfALiveBrokerMovesItsLeadership() {
        MetadataImage image = ordersImage(Map.of());
        image = apply(image, register(image, 1, "host1", 7092, "").records());
        assertThat(orders(image).leaderId()).isEqualTo(2);
        assertThat(orders(image).isr()).containsExactly(2, 3);
    }

    @Test
    void alterPartitionChecksEpochsLeaderAndIsr() {
        MetadataImage image = ordersImage(Map.of());
        UUID id = ordersId(image);
        ControllerResult<AlterPartitionReply> shrink = controller.alterPartition(image, id, 0, 1, 0, 0, List.of(1, 2),
                Map.of());
        assertThat(shrink.response().error()).isEqualTo(ErrorCode.NONE);
        assertThat(shrink.response().partition().partitionEpoch()).isEqualTo(1);
        MetadataImage next = apply(image, shrink.records());
        assertThat(orders(next)).isEqualTo(shrink.response().partition());

        assertThat(controller.alterPartition(next, id, 0, 1, 0, 0, List.of(1), Map.of()).response().error())
                .as("stale partition epoch").isEqualTo(ErrorCode.FENCED_EPOCH);
        assertThat(controller.alterPartition(next, id, 0, 1, 0, 0, List.of(1), Map.of()).records()).isEmpty();
        assertThat(controller.alterPartition(next, id, 0, 1, 5, 1, List.of(1), Map.of()).response().error())
                .as("stale leader epoch").isEqualTo(ErrorCode.FENCED_EPOCH);
        assertThat(controller.alterPartition(next, id, 0, 2, 0, 1, List.of(2), Map.of()).response().error())
                .isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(controller.alterPartition(next, id, 0, 1, 0, 1, List.of(2), Map.of()).response().error())
                .as("leader missing from ISR").isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(controller.alterPartition(next, id, 0, 1, 0, 1, List.of(1, 9), Map.of()).response().error())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(controller.alterPartition(next, id, 7, 1, 0, 1, List.of(1), Map.of()).response().error())
                .isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        MetadataImage fenced3 = apply(next, List.of(MetadataRecords.fenceBroker(3, 1)));
        assertThat(controller.alterPartition(fenced3, id, 0, 1, 0, 1, List.of(1, 2, 3), Map.of()).response().error())
                .as("a fenced broker cannot join").isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    /**
     * KIP-903: broker 3 restarted (registration epoch 2) after a fetch of its previous process (epoch 1) caught it up
     * on the leader. That fetch proves nothing about the log of the current process, which may be a rebuilt, empty
     * store: the expansion it led to is refused, and one from a fetch of the current process is accepted.
     */
    @Test
    void aReplicaJoinsTheIsrOnlyOnAFetchFromItsRegisteredBrokerEpoch() {
        MetadataImage image = ordersImage(Map.of());
        UUID id = ordersId(image);
        image = apply(image, controller.alterPartition(image, id, 0, 1, 0, 0, List.of(1, 2), Map.of()).records());
        image = apply(image, register(image, 3, "host3", 7092, "").records());
        image = apply(image, controller.brokerHeartbeat(image, 3, 2, LeaderlessReports.NONE, 0).records());
        assertThat(image.cluster().isUnfenced(3)).isTrue();
        int partitionEpoch = orders(image).partitionEpoch();

        ControllerResult<AlterPartitionReply> stale = controller.alterPartition(image, id, 0, 1, 0, partitionEpoch,
                List.of(1, 2, 3), Map.of(3, 1L));
        assertThat(stale.response().error()).isEqualTo(ErrorCode.STALE_BROKER_EPOCH);
        assertThat(stale.response().errorMessage()).contains("broker 3", "registered epoch is 2");
        assertThat(stale.records()).isEmpty();

        ControllerResult<AlterPartitionReply> current = controller.alterPartition(image, id, 0, 1, 0,
                partitionEpoch, List.of(1, 2, 3), Map.of(3, 2L));
        assertThat(current.response().error()).isEqualTo(ErrorCode.NONE);
        assertThat(apply(image, current.records()).topics().topic("orders").partition(0).isr())
                .containsExactly(1, 2, 3);
    }

    @Test
    void producerIdBlocksAreContiguousAndDisjoint() {
        MetadataImage image = brokers(1);
        ControllerResult<ProducerIdsReply> first = controller.allocateProducerIds(image, 1, 1000);
        assertThat(first.response().firstProducerId()).isEqualTo(1);
        image = apply(image, first.records());
        assertThat(controller.allocateProducerIds(image, 1, 10).response().firstProducerId()).isEqualTo(1001);
        assertThat(controller.allocateProducerIds(image, 9, 10).response().error())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(controller.allocateProducerIds(image, 1, 0).response().error()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void createdTopicSurvivesFencingOfAllButOneReplica() {
        MetadataImage image = brokers(3);
        image = apply(image, controller.createTopics(image, create(newTopic("t", 3, 3, Map.of()))).records());
        image = apply(image, controller.tick(image, Map.of(1, 0L, 2, 0L, 3, 10_000L), LeaderlessReports.NONE, 10_000)
                .records());
        assertThat(image.topics().topic("t").partitions().values())
                .allSatisfy(partition -> assertThat(partition.leaderId()).isEqualTo(3));
    }

    @Test
    void controlledShutdownMovesLeadershipAndIsrOffTheBroker() {
        MetadataImage image = ordersImage(Map.of());
        assertThat(controller.controlledShutdown(image, 1, 2).response().error()).isEqualTo(ErrorCode.FENCED_EPOCH);
        assertThat(controller.controlledShutdown(image, 9, 1).response().error())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        ControllerResult<ControlledShutdownReply> result = controller.controlledShutdown(image, 1, 1);
        assertThat(result.response()).isEqualTo(ControlledShutdownReply.OK);
        MetadataImage after = apply(image, result.records());
        assertThat(after.cluster().broker(1).fenced()).isTrue();
        assertThat(orders(after).leaderId()).isEqualTo(2);
        assertThat(orders(after).leaderEpoch()).isEqualTo(1);
        assertThat(orders(after).isr()).containsExactly(2, 3);
        assertThat(controller.controlledShutdown(after, 1, 1).records()).as("already shut down").isEmpty();
    }

    @Test
    void controlledShutdownOfTheLastIsrMemberLeavesThePartitionOffline() {
        MetadataImage image = ordersImage(Map.of());
        image = apply(image, List.of(MetadataRecords.partitionChange(ordersId(image), 0, null, List.of(1), null)));
        MetadataImage after = apply(image, controller.controlledShutdown(image, 1, 1).records());
        assertThat(orders(after).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(orders(after).isr()).containsExactly(1);
    }

    @Test
    void rebalanceMovesLeadershipBackToAnEligiblePreferredReplica() {
        MetadataImage image = ordersImage(Map.of());
        UUID id = ordersId(image);
        assertThat(controller.rebalanceLeaders(image).records()).as("already on the preferred replica").isEmpty();
        MetadataImage moved = apply(image, List.of(MetadataRecords.partitionChange(id, 0, 2, List.of(2, 3), null)));
        assertThat(controller.rebalanceLeaders(moved).records()).as("preferred replica not in the ISR").isEmpty();
        MetadataImage rejoined = apply(moved, List.of(MetadataRecords.partitionChange(id, 0, null,
                List.of(2, 3, 1), null)));
        MetadataImage fenced = apply(rejoined, List.of(MetadataRecords.fenceBroker(1, 1)));
        assertThat(controller.rebalanceLeaders(fenced).records()).as("preferred replica fenced").isEmpty();
        ControllerResult<Integer> result = controller.rebalanceLeaders(rejoined);
        assertThat(result.response()).isEqualTo(1);
        PartitionImage back = orders(apply(rejoined, result.records()));
        assertThat(back.leaderId()).isEqualTo(1);
        assertThat(back.leaderEpoch()).isEqualTo(orders(rejoined).leaderEpoch() + 1);
        assertThat(back.isr()).containsExactly(2, 3, 1);
    }

    @Test
    void reassignmentAddsTheTargetThenDropsTheOldReplicasOnceInSync() {
        MetadataImage image = apply(brokers(5), List.of());
        UUID id = new UUID(6, 6);
        image = apply(image, List.of(MetadataRecords.topic("orders", id), MetadataRecords.partition(id, 0,
                new PartitionImage(List.of(1, 2), List.of(1, 2), 1, 0, 0))));
        var request = dev.sluice.proto.v1.ReassignPartitionRequest.newBuilder().setTopic("orders").setPartition(0)
                .addAllReplicas(List.of(3, 4, 2));
        assertThat(controller.reassignPartition(image, request.build()).response().getError())
                .isEqualTo(ErrorCode.NONE);
        MetadataImage added = apply(image, controller.reassignPartition(image, request.build()).records());
        assertThat(orders(added).replicas()).containsExactly(3, 4, 2, 1);
        assertThat(orders(added).isr()).containsExactly(1, 2);
        var complete = request.setComplete(true).build();
        assertThat(controller.reassignPartition(added, complete).response().getError())
                .as("3 and 4 have not caught up").isEqualTo(ErrorCode.NOT_ENOUGH_REPLICAS);
        MetadataImage synced = apply(added, List.of(MetadataRecords.partitionChange(id, 0, null,
                List.of(1, 2, 3, 4), null)));
        PartitionImage done = orders(apply(synced, controller.reassignPartition(synced, complete).records()));
        assertThat(done.replicas()).containsExactly(3, 4, 2);
        assertThat(done.isr()).containsExactly(2, 3, 4);
        assertThat(done.leaderId()).as("the dropped leader is replaced").isEqualTo(3);
        assertThat(controller.reassignPartition(image, request.clearReplicas().addReplicas(9).build()).response()
                .getError()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void aReassignmentIsNotCompletedWhileThePartitionHasNoLeader() {
        MetadataImage image = apply(brokers(3), List.of());
        UUID id = new UUID(6, 6);
        // Every replica was fenced: [1, 2, 3] is the last ISR, whose members may hold logs of different lengths.
        image = apply(image, List.of(MetadataRecords.topic("orders", id), MetadataRecords.partition(id, 0,
                new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), PartitionImage.NO_LEADER, 4, 9))));
        var complete = dev.sluice.proto.v1.ReassignPartitionRequest.newBuilder().setTopic("orders").setPartition(0)
                .addAllReplicas(List.of(3, 2)).setComplete(true).build();
        ControllerResult<dev.sluice.proto.v1.TopicResult> result = controller.reassignPartition(image, complete);
        assertThat(result.response().getError()).isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
        assertThat(result.records()).isEmpty();
    }
}
