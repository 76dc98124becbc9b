package dev.sluice.broker.group.classic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.v1.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The classic group state machine stepped by hand with a fake clock (plain {@code nowMs}) and a seeded random. */
class ClassicGroupsTest {
    private static final String GROUP = "payments";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final long INITIAL_DELAY_MS = 100;

    private final ClassicGroups groups = new ClassicGroups(new SplittableRandom(7), INITIAL_DELAY_MS);
    private long nowMs = 1_000_000;

    private static ClassicJoin join(String memberId, String instanceId, String... protocols) {
        List<ClassicJoin.Protocol> list = java.util.Arrays.stream(protocols).map(name -> new ClassicJoin.Protocol(
                name, ("meta-" + name).getBytes(StandardCharsets.UTF_8))).toList();
        return new ClassicJoin(GROUP, memberId, instanceId, "client", "/127.0.0.1", SESSION_MS, REBALANCE_MS,
                "consumer", list, true);
    }

    private <T> T settle(CompletableFuture<T> future) {
        groups.drainReady().forEach(Runnable::run);
        return future.getNow(null);
    }

    private void advance(long ms) {
        nowMs += ms;
        groups.tick(nowMs);
        groups.drainReady().forEach(Runnable::run);
    }

    /** A first join (v4+): MEMBER_ID_REQUIRED with an id, then the join with it. */
    private CompletableFuture<JoinOutcome> joinNew(String... protocols) {
        JoinOutcome required = settle(groups.join(join("", "", protocols), nowMs));
        assertThat(required.error()).isEqualTo(ErrorCode.MEMBER_ID_REQUIRED);
        assertThat(required.memberId()).startsWith("client-");
        return groups.join(join(required.memberId(), "", protocols), nowMs);
    }

    private SyncOutcome syncLeader(JoinOutcome leader, Map<String, String> assignments) {
        Map<String, byte[]> bytes = new HashMap<>();
        assignments.forEach((member, value) -> bytes.put(member, value.getBytes(StandardCharsets.UTF_8)));
        return settle(groups.sync(new ClassicSync(GROUP, leader.memberId(), "", leader.generation(), "consumer",
                leader.protocolName(), bytes), nowMs));
    }

    @Test
    void twoMembersJoinAfterTheInitialDelayAndGetTheLeadersAssignment() {
        CompletableFuture<JoinOutcome> first = joinNew("range", "roundrobin");
        advance(50);
        CompletableFuture<JoinOutcome> second = joinNew("roundrobin", "range");
        assertThat(settle(first)).isNull();
        advance(60); // 110 ms after the first join: the delay was extended by the second join
        assertThat(first).isNotDone();
        advance(100);
        JoinOutcome a = settle(first);
        JoinOutcome b = settle(second);
        assertThat(a.error()).isEqualTo(ErrorCode.NONE);
        assertThat(a.generation()).isEqualTo(1).isEqualTo(b.generation());
        assertThat(a.leaderId()).isEqualTo(a.memberId()).isEqualTo(b.leaderId());
        assertThat(a.members()).extracting(JoinOutcome.JoinedMember::memberId)
                .containsExactly(a.memberId(), b.memberId());
        assertThat(b.members()).isEmpty();
        // One vote each; the tie goes to the first member's preference.
        assertThat(a.protocolName()).isEqualTo("range");
        assertThat(new String(a.members().get(1).metadata(), StandardCharsets.UTF_8)).isEqualTo("meta-range");

        CompletableFuture<SyncOutcome> follower = groups.sync(new ClassicSync(GROUP, b.memberId(), "", 1, null,
                null, Map.of()), nowMs);
        assertThat(settle(follower)).isNull();
        assertThat(groups.heartbeat(GROUP, b.memberId(), "", 1, nowMs)).isEqualTo(ErrorCode.NONE);
        SyncOutcome leaderSync = syncLeader(a, Map.of(a.memberId(), "p0", b.memberId(), "p1"));
        assertThat(new String(leaderSync.assignment(), StandardCharsets.UTF_8)).isEqualTo("p0");
        assertThat(new String(settle(follower).assignment(), StandardCharsets.UTF_8)).isEqualTo("p1");
        assertThat(groups.describe(GROUP).state()).isEqualTo("Stable");
        assertThat(groups.validateCommit(GROUP, b.memberId(), 1)).isEqualTo(ErrorCode.NONE);
        assertThat(groups.validateCommit(GROUP, b.memberId(), 0)).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(groups.validateCommit(GROUP, "", -1)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    private JoinOutcome[] stableGroupOfTwo() {
        CompletableFuture<JoinOutcome> first = joinNew("range");
        CompletableFuture<JoinOutcome> second = joinNew("range");
        advance(INITIAL_DELAY_MS);
        JoinOutcome a = settle(first);
        JoinOutcome b = settle(second);
        groups.sync(new ClassicSync(GROUP, b.memberId(), "", b.generation(), null, null, Map.of()), nowMs);
        syncLeader(a, Map.of(a.memberId(), "p0", b.memberId(), "p1"));
        return new JoinOutcome[] {a, b};
    }

    @Test
    void aLeavingMemberStartsARebalanceThatTheOtherRejoins() {
        JoinOutcome[] members = stableGroupOfTwo();
        JoinOutcome a = members[0];
        JoinOutcome b = members[1];
        assertThat(groups.leave(GROUP, a.memberId(), "", nowMs)).isEqualTo(ErrorCode.NONE);
        assertThat(groups.heartbeat(GROUP, b.memberId(), "", 1, nowMs)).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(groups.heartbeat(GROUP, a.memberId(), "", 1, nowMs)).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        // The only member left rejoins: the join completes at once (no initial delay: the group was not empty).
        JoinOutcome rejoined = settle(groups.join(join(b.memberId(), "", "range"), nowMs));
        assertThat(rejoined.generation()).isEqualTo(2);
        assertThat(rejoined.leaderId()).isEqualTo(b.memberId());
        assertThat(rejoined.members()).hasSize(1);
        assertThat(groups.heartbeat(GROUP, b.memberId(), "", 1, nowMs)).isEqualTo(ErrorCode.ILLEGAL_GENERATION);
        assertThat(groups.validateCommit(GROUP, b.memberId(), 2)).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsRemoved() {
        JoinOutcome[] members = stableGroupOfTwo();
        CompletableFuture<JoinOutcome> third = joinNew("range");
        assertThat(settle(third)).isNull();
        CompletableFuture<JoinOutcome> a = groups.join(join(members[0].memberId(), "", "range"), nowMs);
        // The second member keeps heartbeating (told to rejoin) but never rejoins: only the timeout ends the wait.
        for (int i = 0; i < 3; i++) {
            advance(SESSION_MS - 1);
            assertThat(groups.heartbeat(GROUP, members[1].memberId(), "", 1, nowMs))
                    .isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        }
        advance(REBALANCE_MS - 3 * (SESSION_MS - 1) - 1);
        assertThat(a).isNotDone();
        advance(1);
        JoinOutcome leader = settle(a);
        assertThat(leader.generation()).isEqualTo(2);
        assertThat(leader.members()).extracting(JoinOutcome.JoinedMember::memberId)
                .containsExactly(members[0].memberId(), settle(third).memberId());
        assertThat(groups.heartbeat(GROUP, members[1].memberId(), "", 2, nowMs))
                .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void sessionsExpireWithoutHeartbeatsAndTheGroupEmpties() {
        JoinOutcome[] members = stableGroupOfTwo();
        advance(SESSION_MS / 2);
        assertThat(groups.heartbeat(GROUP, members[1].memberId(), "", 1, nowMs)).isEqualTo(ErrorCode.NONE);
        advance(SESSION_MS / 2 + 1);
        // The leader expired; the follower is told to rejoin, then expires too when it does not.
        assertThat(groups.heartbeat(GROUP, members[0].memberId(), "", 1, nowMs))
                .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(groups.heartbeat(GROUP, members[1].memberId(), "", 1, nowMs))
                .isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        advance(REBALANCE_MS);
        assertThat(groups.hasMembers(GROUP)).isFalse();
        assertThat(groups.describe(GROUP)).isNull();
        assertThat(groups.validateCommit(GROUP, "", -1)).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void aNewMemberDuringSyncFailsTheWaitingSyncWithRebalanceInProgress() {
        CompletableFuture<JoinOutcome> first = joinNew("range");
        CompletableFuture<JoinOutcome> second = joinNew("range");
        advance(INITIAL_DELAY_MS);
        JoinOutcome b = settle(second);
        CompletableFuture<SyncOutcome> waiting = groups.sync(new ClassicSync(GROUP, b.memberId(), "", 1, null, null,
                Map.of()), nowMs);
        joinNew("range");
        assertThat(settle(waiting).error()).isEqualTo(ErrorCode.REBALANCE_IN_PROGRESS);
        assertThat(settle(first).generation()).isEqualTo(1);
        JoinOutcome staleSync = settle(groups.join(join("nobody", "", "range"), nowMs));
        assertThat(staleSync.error()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void membersMustShareAProtocolAndUseAllowedSessionTimeouts() {
        joinNew("range");
        JoinOutcome other = settle(groups.join(join("", "", "sticky"), nowMs));
        assertThat(other.error()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
        ClassicJoin tooShort = new ClassicJoin(GROUP, "", "", "c", "h", 10, 10, "consumer",
                List.of(new ClassicJoin.Protocol("range", new byte[0])), true);
        assertThat(settle(groups.join(tooShort, nowMs)).error()).isEqualTo(ErrorCode.INVALID_SESSION_TIMEOUT);
        ClassicJoin connect = new ClassicJoin(GROUP, "", "", "c", "h", SESSION_MS, REBALANCE_MS, "connect",
                List.of(new ClassicJoin.Protocol("range", new byte[0])), true);
        assertThat(settle(groups.join(connect, nowMs)).error()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }

    @Test
    void aStaticMembersNewIncarnationTakesItsSlotWithoutARebalance() {
        CompletableFuture<JoinOutcome> leaderJoin = groups.join(join("", "leader-host", "range"), nowMs);
        CompletableFuture<JoinOutcome> staticJoin = groups.join(join("", "worker-1", "range"), nowMs);
        advance(INITIAL_DELAY_MS);
        JoinOutcome leader = settle(leaderJoin);
        JoinOutcome old = settle(staticJoin);
        assertThat(old.error()).isEqualTo(ErrorCode.NONE);
        groups.sync(new ClassicSync(GROUP, old.memberId(), "worker-1", 1, null, null, Map.of()), nowMs);
        syncLeader(leader, Map.of(leader.memberId(), "p0", old.memberId(), "p1"));

        JoinOutcome restarted = settle(groups.join(join("", "worker-1", "range"), nowMs));
        assertThat(restarted.error()).isEqualTo(ErrorCode.NONE);
        assertThat(restarted.memberId()).isNotEqualTo(old.memberId());
        assertThat(restarted.generation()).isEqualTo(1);
        SyncOutcome kept = settle(groups.sync(new ClassicSync(GROUP, restarted.memberId(), "worker-1", 1, null, null,
                Map.of()), nowMs));
        assertThat(new String(kept.assignment(), StandardCharsets.UTF_8)).isEqualTo("p1");
        assertThat(groups.heartbeat(GROUP, old.memberId(), "worker-1", 1, nowMs))
                .isEqualTo(ErrorCode.FENCED_INSTANCE_ID);
        assertThat(groups.describe(GROUP).state()).isEqualTo("Stable");
        assertThat(groups.leave(GROUP, "", "worker-1", nowMs)).isEqualTo(ErrorCode.NONE);
        assertThat(groups.describe(GROUP).state()).isEqualTo("PreparingRebalance");
    }

    @Test
    void abandonFailsWaitingRequestsWithNotLeader() {
        CompletableFuture<JoinOutcome> waiting = joinNew("range");
        groups.abandon("moved");
        assertThat(settle(waiting).error()).isEqualTo(ErrorCode.NOT_LEADER);
    }
}
