package dev.sluice.controller;

import static dev.sluice.controller.Fixtures.apply;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.TopicConfigs;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A broker that registers with another log store than before: its store was created empty since (a damaged store
 * moved aside, a lost disk), so its replicas hold none of the records they held, and it must not lead with them. Chaos
 * run 10 (seed 30010) lost 17,040 acknowledged records when such a broker led a partition and its followers truncated
 * to its empty log.
 */
class EmptiedStoreRegistrationTest {
    private static final long SESSION_MS = ControllerConfig.DEFAULT.sessionTimeoutMs();
    private static final UUID ORDERS = new UUID(7, 7);

    private final MetadataController controller = new MetadataController(ControllerConfig.DEFAULT,
            new SplittableRandom(5));
    private final LeaderlessReports reports = new LeaderlessReports();
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    private final BrokerSessions sessions = new BrokerSessions(lastHeartbeatMs, Map.of(), SESSION_MS);

    private static BrokerRegistrationRequest registration(int id, String incarnation, String store) {
        return new BrokerRegistrationRequest(id, "host" + id, 7092, "", incarnation, "directory-" + id, 0, store);
    }

    /** Brokers 1..3 registered with stores "store-N" and unfenced; "orders" [1, 2, 3] as given. */
    private MetadataImage cluster(PartitionImage orders) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            records.add(MetadataRecords.registerBroker(id, 1, "host" + id, 7092, "", "incarnation-" + id,
                    "directory-" + id, 0, "store-" + id));
            records.add(MetadataRecords.unfenceBroker(id, 1));
        }
        records.add(MetadataRecords.topic("orders", ORDERS));
        records.add(MetadataRecords.config("orders", TopicConfigs.MIN_INSYNC_REPLICAS, "2"));
        records.add(MetadataRecords.partition(ORDERS, 0, orders));
        return apply(MetadataImage.EMPTY, records);
    }

    private static PartitionImage orders(MetadataImage image) {
        return image.topics().topic("orders").partition(0);
    }

    /** Broker {@code id} restarted (a new incarnation) with log store {@code store}, after its session expired. */
    private MetadataImage reregister(MetadataImage image, int id, String store, long nowMs) {
        ControllerResult<BrokerRegistrationReply> registered = controller.registerBroker(image,
                registration(id, "incarnation-" + id + "-again", store), sessions, nowMs);
        assertThat(registered.response().error()).isEqualTo(ErrorCode.NONE);
        return apply(image, registered.records());
    }

    private MetadataImage comeBack(MetadataImage image, int broker, int leaderEpoch, long logEndOffset, long nowMs) {
        long epoch = image.cluster().broker(broker).epoch();
        reports.record(broker, List.of(new ReplicaLogEnd(ORDERS, 0, leaderEpoch, logEndOffset)), nowMs);
        ControllerResult<BrokerHeartbeatReply> heartbeat = controller.brokerHeartbeat(image, broker, epoch, reports,
                nowMs);
        assertThat(heartbeat.response().error()).isEqualTo(ErrorCode.NONE);
        return apply(image, heartbeat.records());
    }

    /** Every session expired at once (a power cut of every node): leaderless, the whole ISR kept as candidates. */
    private MetadataImage everyNodeLost(MetadataImage image) {
        lastHeartbeatMs.putAll(Map.of(1, 0L, 2, 0L, 3, 0L));
        image = apply(image, controller.tick(image, lastHeartbeatMs, reports, SESSION_MS + 1).records());
        assertThat(orders(image).leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(orders(image).lastIsr()).containsExactly(1, 2, 3);
        return image;
    }

    @Test
    void aBrokerBackWithAnEmptiedStoreIsNoLongerACandidateOfALeaderlessPartition() {
        MetadataImage image = everyNodeLost(cluster(new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 8, 30)));
        image = reregister(image, 1, "store-1-rebuilt", 20_000);
        assertThat(image.cluster().broker(1).logStoreId()).isEqualTo("store-1-rebuilt");
        assertThat(orders(image).lastIsr()).containsExactly(2, 3);

        image = comeBack(image, 1, -1, 0, 20_100);
        long later = 20_100 + 2 * SESSION_MS;
        assertThat(controller.tick(image, Map.of(1, later), reports, later).records())
                .as("1 is not a candidate however long the others take").isEmpty();
        assertThat(controller.rebalanceLeaders(image).records()).isEmpty();

        image = comeBack(image, 3, 8, 17_040, later);
        assertThat(orders(image).leaderId()).as("1's report started no wait: 2 is waited for")
                .isEqualTo(PartitionImage.NO_LEADER);
        image = comeBack(image, 2, 8, 17_100, later + 100);
        assertThat(orders(image).leaderId()).isEqualTo(2);
        assertThat(orders(image).lastIsr()).doesNotContain(1);
    }

    @Test
    void aLeaderBackWithAnEmptiedStoreHandsLeadershipToTheRestOfTheIsr() {
        MetadataImage image = cluster(new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 4, 10));
        lastHeartbeatMs.putAll(Map.of(1, 0L, 2, SESSION_MS, 3, SESSION_MS));
        image = reregister(image, 1, "store-1-rebuilt", SESSION_MS + 1);
        PartitionImage led = orders(image);
        assertThat(led.leaderId()).isEqualTo(2);
        assertThat(led.isr()).containsExactly(2, 3);
        assertThat(led.eligibleLeaders()).isEmpty();
        assertThat(led.leaderEpoch()).isEqualTo(5);
    }

    @Test
    void aFollowerBackWithAnEmptiedStoreLeavesTheIsrAndTheEligibleLeaders() {
        MetadataImage image = cluster(new PartitionImage(List.of(1, 2, 3), List.of(1), 1, 4, 10, List.of(2, 3)));
        lastHeartbeatMs.putAll(Map.of(1, SESSION_MS, 2, 0L, 3, SESSION_MS));
        image = reregister(image, 2, "store-2-rebuilt", SESSION_MS + 1);
        assertThat(orders(image).leaderId()).isEqualTo(1);
        assertThat(orders(image).isr()).containsExactly(1);
        assertThat(orders(image).eligibleLeaders()).containsExactly(3);
    }

    @Test
    void anIsrOfOnlyTheEmptiedBrokerIsReplacedByTheEligibleLeaders() {
        MetadataImage image = cluster(new PartitionImage(List.of(1, 2, 3), List.of(1), 1, 4, 10, List.of(3)));
        lastHeartbeatMs.putAll(Map.of(1, 0L, 2, SESSION_MS, 3, SESSION_MS));
        image = reregister(image, 1, "store-1-rebuilt", SESSION_MS + 1);
        PartitionImage leaderless = orders(image);
        assertThat(leaderless.leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(leaderless.lastIsr()).containsExactly(3);
        image = comeBack(image, 3, 4, 900, SESSION_MS + 10);
        assertThat(orders(image).leaderId()).isEqualTo(3);
    }

    @Test
    void aPartitionWhoseOnlyCandidateWasEmptiedIsLedAgainOnlyByAnUncleanElection() {
        MetadataImage image = cluster(new PartitionImage(List.of(1, 2, 3), List.of(1), 1, 4, 10));
        lastHeartbeatMs.putAll(Map.of(1, 0L, 2, SESSION_MS, 3, SESSION_MS));
        image = reregister(image, 1, "store-1-rebuilt", SESSION_MS + 1);
        PartitionImage offline = orders(image);
        assertThat(offline.leaderId()).isEqualTo(PartitionImage.NO_LEADER);
        assertThat(offline.lastIsr()).as("no replica is known to hold the acknowledged records").isEmpty();

        image = comeBack(image, 1, -1, 0, SESSION_MS + 10);
        image = comeBack(image, 2, 4, 700, SESSION_MS + 20);
        image = comeBack(image, 3, 4, 900, SESSION_MS + 30);
        assertThat(orders(image).leaderId()).as("unclean.leader.election.enable is off")
                .isEqualTo(PartitionImage.NO_LEADER);
        image = apply(image, List.of(MetadataRecords.config("orders", TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE,
                "true")));
        image = apply(image, controller.tick(image, Map.of(1, SESSION_MS + 30, 2, SESSION_MS + 30,
                3, SESSION_MS + 30), reports, SESSION_MS + 40).records());
        assertThat(orders(image).leaderId()).as("the replica whose log ends furthest").isEqualTo(3);
        assertThat(orders(image).isr()).containsExactly(3);
    }

    @Test
    void theSameStoreOrAnUnknownOneKeepsTheBrokerInTheIsr() {
        MetadataImage image = everyNodeLost(cluster(new PartitionImage(List.of(1, 2, 3), List.of(1, 2, 3), 1, 8, 30)));
        MetadataImage sameStore = reregister(image, 1, "store-1", 20_000);
        assertThat(orders(sameStore).lastIsr()).containsExactly(1, 2, 3);
        MetadataImage unknown = reregister(image, 1, "", 20_000);
        assertThat(orders(unknown).lastIsr()).as("an older broker that does not say").containsExactly(1, 2, 3);
    }
}
