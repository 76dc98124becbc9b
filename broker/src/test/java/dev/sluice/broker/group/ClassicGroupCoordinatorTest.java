package dev.sluice.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.group.classic.ClassicJoin;
import dev.sluice.broker.group.classic.ClassicSync;
import dev.sluice.broker.group.classic.JoinOutcome;
import dev.sluice.broker.group.classic.SyncOutcome;
import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.partition.HighWatermarkPolicy;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.proto.v1.CommitOffsetsRequest;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.FetchOffsetsRequest;
import dev.sluice.proto.v1.TopicPartitionOffset;
import dev.sluice.testing.FakeClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classic groups wired into the coordinator, stepped by hand with an injected clock: join, sync, heartbeat and
 * commits go through the offsets partition; {@link ClassicGroupCoordinator#tick} applies session and rebalance
 * deadlines; a partition that moves fails the waiting requests; a group id is either classic or Sluice's.
 */
class ClassicGroupCoordinatorTest {
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 20_000;

    @TempDir
    Path dir;
    private LogStore store;
    private PartitionLog offsetsLog;
    private final AtomicInteger leaderEpoch = new AtomicInteger(1);
    private final AtomicBoolean led = new AtomicBoolean(true);
    private final FakeClock clock = new FakeClock(1_000_000);
    private GroupCoordinator coordinator;
    private ClassicGroupCoordinator classic;

    @BeforeEach
    void open() {
        store = LogStore.open(dir);
        offsetsLog = store.partition(new PartitionKey(new UUID(5, 6), 0));
        coordinator = new GroupCoordinator((topic, partition) -> led.get()
                ? new ResolvedPartition.Leader(offsetsLog, LogConfig.DEFAULT, leaderEpoch.get())
                : new ResolvedPartition.Failure(ErrorCode.NOT_LEADER, "not the leader", -1),
                HighWatermarkPolicy.SINGLE_REPLICA, clock, new SplittableRandom(11));
        coordinator.useClassicInitialDelay(0);
        classic = new ClassicGroupCoordinator(coordinator);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private CompletableFuture<JoinOutcome> join(String groupId, String memberId) {
        return classic.join(new ClassicJoin(groupId, memberId, "", "client", "/127.0.0.1", SESSION_MS, REBALANCE_MS,
                "consumer", List.of(new ClassicJoin.Protocol("range", new byte[] {1})), false), 1);
    }

    private CompletableFuture<SyncOutcome> sync(JoinOutcome joined, Map<String, byte[]> assignments) {
        return classic.sync(new ClassicSync("g", joined.memberId(), "", joined.generation(), "consumer", "range",
                assignments), 1);
    }

    private ErrorCode commit(String memberId, int generation) {
        return coordinator.commitClassic(CommitOffsetsRequest.newBuilder().setGroupId("g").setMemberId(memberId)
                .setMemberEpoch(generation).addOffsets(TopicPartitionOffset.newBuilder().setTopic("orders")
                        .setPartition(0).setOffset(42)).build(), 1).getError();
    }

    @Test
    void joinSyncAndCommitGoThroughTheOffsetsPartition() {
        JoinOutcome joined = join("g", "").join();
        assertThat(joined.error()).isEqualTo(ErrorCode.NONE);
        assertThat(joined.generation()).isEqualTo(1);
        assertThat(joined.leaderId()).isEqualTo(joined.memberId());
        assertThat(commit(joined.memberId(), 1)).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);

        SyncOutcome synced = sync(joined, Map.of(joined.memberId(), new byte[] {7})).join();
        assertThat(synced.error()).isEqualTo(ErrorCode.NONE);
        assertThat(synced.assignment()).containsExactly(7);
        assertThat(classic.heartbeat("g", joined.memberId(), "", 1, 1).error()).isEqualTo(ErrorCode.NONE);

        assertThat(commit(joined.memberId(), 0)).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(commit("stranger", 1)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(commit("", -1)).as("outside membership, into a group with members")
                .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(commit(joined.memberId(), 1)).isEqualTo(ErrorCode.NONE);
        assertThat(coordinator.fetch(FetchOffsetsRequest.newBuilder().setGroupId("g").build(), 1).getOffsets(0)
                .getOffset()).isEqualTo(42);

        GroupCoordinator.GroupDescribed described = coordinator.describe("g", 1);
        assertThat(described.classic().state()).isEqualTo("Stable");
        assertThat(described.classic().protocolType()).isEqualTo("consumer");
        assertThat(coordinator.list(1).get("g").state()).isEqualTo("Stable");
        assertThat(coordinator.summaries(1)).singleElement().satisfies(summary -> {
            assertThat(summary.state()).isEqualTo("Stable");
            assertThat(summary.committed()).hasSize(1);
        });
    }

    @Test
    void theTickExpiresSessionsAndEndsRebalancesThatWaitTooLong() {
        JoinOutcome first = join("g", "").join();
        sync(first, Map.of(first.memberId(), new byte[0])).join();
        CompletableFuture<JoinOutcome> second = join("g", "");
        assertThat(second).isNotDone();

        clock.advanceMs(REBALANCE_MS);
        classic.tick();

        // The first member never rejoined: the rebalance went on without it.
        assertThat(second).isCompleted();
        assertThat(second.join().generation()).isEqualTo(2);
        assertThat(second.join().leaderId()).isEqualTo(second.join().memberId());
        assertThat(classic.heartbeat("g", first.memberId(), "", 1, 1).error()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);

        sync(second.join(), Map.of()).join();
        clock.advanceMs(SESSION_MS + 1);
        classic.tick();
        assertThat(coordinator.describe("g", 1).classic()).as("the last member's session expired: group forgotten")
                .isNull();
    }

    @Test
    void waitingMembersGetNotLeaderWhenThePartitionMoves() {
        JoinOutcome first = join("g", "").join();
        sync(first, Map.of()).join();
        CompletableFuture<JoinOutcome> second = join("g", "");

        leaderEpoch.set(2);   // led elsewhere and back: a new term
        classic.tick();

        assertThat(second.join().error()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(classic.heartbeat("g", first.memberId(), "", 1, 1).error()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);

        JoinOutcome again = join("g", "").join();
        CompletableFuture<JoinOutcome> waiting = join("g", "");
        led.set(false);
        classic.tick();
        assertThat(waiting.join().error()).isEqualTo(ErrorCode.NOT_LEADER);
        assertThat(join("g", again.memberId()).join().error()).isEqualTo(ErrorCode.NOT_LEADER);
    }

    @Test
    void aGroupIdIsEitherClassicOrSluices() {
        HeartbeatResult sluice = coordinator.heartbeat(new Heartbeat("s", "", Heartbeat.JOIN_EPOCH, "", "c",
                List.of("orders"), "", "", 30_000, 5_000, Set.of()), Map.of("orders", 2), 1);
        assertThat(sluice.error()).isEqualTo(ErrorCode.NONE);
        assertThat(join("s", "").join().error()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

        assertThat(join("k", "").join().error()).isEqualTo(ErrorCode.NONE);
        HeartbeatResult refused = coordinator.heartbeat(new Heartbeat("k", "", Heartbeat.JOIN_EPOCH, "", "c",
                List.of("orders"), "", "", 30_000, 5_000, Set.of()), Map.of("orders", 2), 1);
        assertThat(refused.error()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
}
