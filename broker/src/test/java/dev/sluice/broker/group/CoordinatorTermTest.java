package dev.sluice.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.proto.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator whose offsets partition moved away and came back (a new leader epoch on the same local log) must not
 * go on with the membership of its earlier term: the coordinator in between gave the members new epochs and
 * assignments, and the old ones would assign the same partitions a second time.
 */
class CoordinatorTermTest {
    private static final Map<String, Integer> TOPICS = Map.of("orders", 4);

    @TempDir
    Path dir;
    private LogStore store;
    private PartitionLog offsetsLog;
    private final AtomicInteger leaderEpoch = new AtomicInteger(1);
    private GroupCoordinator coordinator;

    @BeforeEach
    void open() {
        store = LogStore.open(dir);
        offsetsLog = store.partition(new PartitionKey(new UUID(3, 4), 0));
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC);
        coordinator = new GroupCoordinator((topic, partition) ->
                new ResolvedPartition.Leader(offsetsLog, LogConfig.DEFAULT, leaderEpoch.get()),
                dev.sluice.broker.partition.HighWatermarkPolicy.SINGLE_REPLICA, clock, new SplittableRandom(7));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private HeartbeatResult beat(String memberId, int memberEpoch) {
        return coordinator.heartbeat(new Heartbeat("g", memberId, memberEpoch, "", "c", List.of("orders"), "", "",
                30_000, 5_000, Set.of()), TOPICS, 1);
    }

    @Test
    void sameTermKeepsTheMembership() {
        HeartbeatResult joined = beat("", Heartbeat.JOIN_EPOCH);
        assertThat(joined.error()).isEqualTo(ErrorCode.NONE);
        assertThat(beat(joined.memberId(), joined.memberEpoch()).error()).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aNewLeaderEpochOnTheSameLogStartsWithNoMembers() {
        HeartbeatResult joined = beat("", Heartbeat.JOIN_EPOCH);
        assertThat(joined.error()).isEqualTo(ErrorCode.NONE);
        assertThat(joined.assignment()).hasSize(4);

        leaderEpoch.set(3);   // led by another broker in epoch 2, back here in epoch 3

        assertThat(beat(joined.memberId(), joined.memberEpoch()).error()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }
}
