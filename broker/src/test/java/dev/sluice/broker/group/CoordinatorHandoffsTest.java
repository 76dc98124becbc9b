package dev.sluice.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.partition.HighWatermarkPolicy;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.ProducerIdsImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicsImage;
import dev.sluice.proto.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a broker that took an offsets partition over may start coordinating its groups. */
class CoordinatorHandoffsTest {
    private static final int ME = 1;
    private static final long LEASE_MS = 4_500;
    private static final UUID OFFSETS_ID = new UUID(7, 7);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final CoordinatorHandoffs handoffs = new CoordinatorHandoffs(ME, nanos::get, LEASE_MS);

    /** An image where offsets partition 0 is led by {@code leader} at {@code leaderEpoch}; {@code fenced} brokers. */
    private static MetadataImage image(int leader, int leaderEpoch, Set<Integer> fenced) {
        TreeMap<Integer, BrokerRegistration> brokers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new BrokerRegistration(id, 10, "host" + id, 7092, "", fenced.contains(id)));
        }
        List<Integer> isr = leader == PartitionImage.NO_LEADER ? List.of(ME) : List.of(leader);
        PartitionImage partition = new PartitionImage(List.of(1, 2, 3), isr, leader, leaderEpoch, leaderEpoch);
        TopicImage offsets = new TopicImage(GroupCoordinator.OFFSETS_TOPIC, OFFSETS_ID,
                new TreeMap<>(Map.of(0, partition)));
        return new MetadataImage(leaderEpoch, new ClusterImage(brokers), TopicsImage.of(List.of(offsets)),
                ConfigsImage.EMPTY, ProducerIdsImage.EMPTY);
    }

    private void advanceMs(long ms) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @Test
    void aPartitionTakenFromALiveBrokerWaitsOneLeasePeriod() {
        MetadataImage before = image(2, 4, Set.of());
        handoffs.onImage(MetadataImage.EMPTY, before);
        MetadataImage moved = image(ME, 5, Set.of());   // e.g. back to its preferred replica; broker 2 is alive
        handoffs.onImage(before, moved);
        assertThat(handoffs.remainingMs(0, 5)).isEqualTo(LEASE_MS);
        advanceMs(LEASE_MS - 1);
        assertThat(handoffs.remainingMs(0, 5)).isEqualTo(1);
        advanceMs(1);
        assertThat(handoffs.remainingMs(0, 5)).isZero();
        handoffs.onImage(moved, moved);
        assertThat(handoffs.remainingMs(0, 5)).as("a later image of the same term changes nothing").isZero();
    }

    @Test
    void aPartitionTakenFromAFencedBrokerOrFromNobodyIsReadyAtOnce() {
        MetadataImage before = image(2, 4, Set.of());
        handoffs.onImage(before, image(ME, 5, Set.of(2)));
        assertThat(handoffs.remainingMs(0, 5)).isZero();

        MetadataImage leaderless = image(PartitionImage.NO_LEADER, 6, Set.of(2, 3));
        handoffs.onImage(image(ME, 5, Set.of(2)), leaderless);
        handoffs.onImage(leaderless, image(ME, 7, Set.of(2, 3)));
        assertThat(handoffs.remainingMs(0, 7)).isZero();
    }

    @Test
    void aNewTermOfItsOwnLeadershipIsReadyAtOnce() {
        MetadataImage before = image(ME, 4, Set.of());
        handoffs.onImage(MetadataImage.EMPTY, image(ME, 0, Set.of()));
        handoffs.onImage(image(ME, 0, Set.of()), before);
        handoffs.onImage(before, image(ME, 5, Set.of()));
        assertThat(handoffs.remainingMs(0, 5)).isZero();
    }

    @Test
    void anEpochJumpHidesALeaderInBetweenSoItWaits() {
        handoffs.onImage(image(2, 4, Set.of(2)), image(ME, 6, Set.of(2)));
        assertThat(handoffs.remainingMs(0, 6)).as("epoch 5 had a leader this broker never saw").isEqualTo(LEASE_MS);
    }

    @Test
    void aFreshTopicIsReadyAtOnceButAStartingBrokerWaitsForAnEarlierLeader() {
        handoffs.onImage(MetadataImage.EMPTY, image(ME, 0, Set.of()));
        assertThat(handoffs.remainingMs(0, 0)).isZero();

        CoordinatorHandoffs restarted = new CoordinatorHandoffs(ME, nanos::get, LEASE_MS);
        restarted.onImage(MetadataImage.EMPTY, image(ME, 3, Set.of()));
        assertThat(restarted.remainingMs(0, 3)).isEqualTo(LEASE_MS);
    }

    @Test
    void anUnrecordedTakeoverOrAnotherEpochIsNotReady() {
        assertThat(handoffs.remainingMs(0, 0)).isPositive();
        handoffs.onImage(MetadataImage.EMPTY, image(ME, 0, Set.of()));
        assertThat(handoffs.remainingMs(0, 1)).isPositive();
        handoffs.onImage(image(ME, 0, Set.of()), image(2, 1, Set.of()));
        assertThat(handoffs.remainingMs(0, 0)).as("no longer led here").isPositive();
    }

    @Test
    void theCoordinatorAnswersLeaderNotAvailableUntilTheHandoffIsOver(@TempDir Path dir) {
        try (LogStore store = LogStore.open(dir)) {
            PartitionLog log = store.partition(new PartitionKey(OFFSETS_ID, 0));
            GroupCoordinator coordinator = new GroupCoordinator((topic, partition) ->
                    new ResolvedPartition.Leader(log, LogConfig.DEFAULT, 5), HighWatermarkPolicy.SINGLE_REPLICA,
                    Clock.systemUTC(), new SplittableRandom(7));
            coordinator.useHandoffs(handoffs);
            handoffs.onImage(image(2, 4, Set.of()), image(ME, 5, Set.of()));
            Heartbeat join = new Heartbeat("g", "", Heartbeat.JOIN_EPOCH, "", "c", List.of("orders"), "", "", 30_000,
                    5_000, Set.of());
            assertThat(coordinator.heartbeat(join, Map.of("orders", 2), 1).error())
                    .isEqualTo(ErrorCode.LEADER_NOT_AVAILABLE);
            advanceMs(LEASE_MS);
            assertThat(coordinator.heartbeat(join, Map.of("orders", 2), 1).error()).isEqualTo(ErrorCode.NONE);
        }
    }
}
