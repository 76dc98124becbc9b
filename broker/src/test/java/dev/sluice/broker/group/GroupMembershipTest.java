package dev.sluice.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The membership core stepped by hand with a fake clock (plain {@code nowMs}) and a seeded random. */
class GroupMembershipTest {
    private static final Map<String, Integer> TOPICS = Map.of("orders", 6);
    private static final int SESSION_MS = 1000;

    private final List<Long> rebalanceDurationsMs = new ArrayList<>();
    private final GroupMembership membership = new GroupMembership(new SplittableRandom(42),
            (groupId, durationMs) -> rebalanceDurationsMs.add(durationMs));
    private long nowMs = 1_000_000;

    /** A simulated member that applies every assignment at once (a well-behaved client). */
    private final class Member {
        final String instanceId;
        final String assignor;
        String memberId = "";
        int epoch;
        Set<TopicPartition> owned = new TreeSet<>();
        HeartbeatResult last;

        Member(String instanceId, String assignor) {
            this.instanceId = instanceId;
            this.assignor = assignor;
        }

        HeartbeatResult beat() {
            last = membership.heartbeat(new Heartbeat("g", memberId, epoch, instanceId, "c", List.of("orders"), "",
                    assignor, SESSION_MS, 5000, owned), TOPICS, nowMs);
            if (last.error() == ErrorCode.NONE) {
                memberId = last.memberId();
                epoch = last.memberEpoch();
                owned = new TreeSet<>(last.assignment());
            }
            return last;
        }

        void leave(int leaveEpoch) {
            membership.heartbeat(new Heartbeat("g", memberId, leaveEpoch, instanceId, "c", List.of(), "", "",
                    SESSION_MS, 5000, owned), TOPICS, nowMs);
        }
    }

    private void converge(List<Member> members) {
        for (int round = 0; round < 10; round++) {
            members.forEach(Member::beat);
            assertDisjoint(members);
        }
    }

    private static void assertDisjoint(List<Member> members) {
        Map<TopicPartition, String> owners = new HashMap<>();
        for (Member m : members) {
            for (TopicPartition tp : m.owned) {
                assertThat(owners.put(tp, m.memberId)).as("two owners of %s", tp).isNull();
            }
        }
    }

    private static Set<TopicPartition> all() {
        return IntStream.range(0, 6).mapToObj(p -> new TopicPartition("orders", p)).collect(Collectors.toSet());
    }

    private GroupSummary summary() {
        return membership.summaries(nowMs).get("g");
    }

    /** Beats both members 10 ms apart until the group is stable; returns when it became so. */
    private long beatUntilStable(List<Member> members) {
        for (int round = 0; round < 10; round++) {
            for (Member member : members) {
                nowMs += 10;
                member.beat();
                if (summary().state().equals("Stable")) {
                    return nowMs;
                }
            }
        }
        throw new AssertionError("the group did not stabilize: " + summary());
    }

    @Test
    void aMemberThatNamesItselfKeepsItsNameAndRejoiningUnderItReplacesTheOldMember() {
        Member named = new Member("", "range");
        named.memberId = "chosen-by-the-client";
        Member other = new Member("", "range");
        converge(List.of(named, other));
        assertThat(named.memberId).isEqualTo("chosen-by-the-client");
        assertThat(named.owned).hasSize(3);

        named.epoch = 0;
        named.owned = new TreeSet<>();
        converge(List.of(named, other));
        assertThat(named.memberId).isEqualTo("chosen-by-the-client");
        assertThat(named.owned.size() + other.owned.size()).as("one member under that name, not two").isEqualTo(6);
    }

    @Test
    void aRebalanceIsCountedOnceAndTimedFromReconcilingUntilStable() {
        Member first = new Member("", "range");
        first.beat();
        assertThat(summary()).as("a lone first member is stable at once: nothing to rebalance")
                .isEqualTo(new GroupSummary("g", "Stable", 1, 0, Map.of()));

        nowMs += 100;
        long joinedMs = nowMs;
        Member second = new Member("", "range");
        second.beat();
        assertThat(summary().state()).isEqualTo("Reconciling");
        long stableMs = beatUntilStable(List.of(first, second));
        assertThat(rebalanceDurationsMs).containsExactly(stableMs - joinedMs);
        assertThat(summary()).isEqualTo(new GroupSummary("g", "Stable", 2, 1, Map.of()));

        nowMs += 10;
        long leftMs = nowMs;
        second.leave(Heartbeat.LEAVE_EPOCH);
        assertThat(summary().state()).isEqualTo("Reconciling");
        long stableAgainMs = beatUntilStable(List.of(first));
        assertThat(rebalanceDurationsMs).containsExactly(stableMs - joinedMs, stableAgainMs - leftMs);

        nowMs += SESSION_MS + 1;
        assertThat(summary()).as("expiry of the last member empties the group; no rebalance was running")
                .isEqualTo(new GroupSummary("g", "Empty", 0, 2, Map.of()));
        assertThat(rebalanceDurationsMs).hasSize(2);
    }

    @Test
    void threeMembersSplitSixPartitions() {
        List<Member> members = List.of(new Member("", "range"), new Member("", "range"), new Member("", "range"));
        converge(members);
        assertThat(members).allSatisfy(m -> assertThat(m.owned).hasSize(2));
        assertThat(members.stream().flatMap(m -> m.owned.stream()).collect(Collectors.toSet())).isEqualTo(all());
        assertThat(membership.describe("g", nowMs).state()).isEqualTo("Stable");
    }

    @Test
    void partitionIsNotReassignedBeforeItsOwnerConfirmsRevocation() {
        Member a = new Member("", "cooperative-sticky");
        a.beat();
        a.beat();
        assertThat(a.owned).isEqualTo(all());
        Member b = new Member("", "cooperative-sticky");
        b.beat();
        assertThat(b.last.assignment()).as("nothing is free yet").isEmpty();
        // a has not heartbeated: it still owns everything, so b gets nothing however often it asks.
        b.beat();
        assertThat(b.owned).isEmpty();
        int aEpochBefore = a.epoch;
        HeartbeatResult revoke = a.beat();   // learns that 3 partitions go; its epoch stays until it confirms
        assertThat(revoke.assignment()).hasSize(3);
        assertThat(revoke.memberEpoch()).isEqualTo(aEpochBefore);
        b.beat();
        assertThat(b.owned).as("a has not confirmed yet").isEmpty();
        a.beat();                           // confirms: reports only its 3
        b.beat();
        assertThat(b.owned).hasSize(3);
        assertThat(a.owned).hasSize(3).doesNotContainAnyElementsOf(b.owned);
        assertThat(b.epoch).isGreaterThan(aEpochBefore);
    }

    @Test
    void sessionTimeoutRemovesAMemberAndFreesItsPartitions() {
        Member a = new Member("", "range");
        Member b = new Member("", "range");
        converge(List.of(a, b));
        for (int i = 0; i < 3; i++) {
            nowMs += SESSION_MS / 2;
            a.beat();
        }
        a.beat();
        assertThat(a.owned).isEqualTo(all());
        assertThat(b.beat().error()).isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberWhoseSessionExpiredCannotCommitWhileTheNewOwnerCan() {
        Member zombie = new Member("", "range");
        Member survivor = new Member("", "range");
        converge(List.of(zombie, survivor));
        assertThat(membership.validateCommit("g", zombie.memberId, zombie.epoch, nowMs)).isEqualTo(ErrorCode.NONE);
        for (int i = 0; i < 3; i++) {
            nowMs += SESSION_MS / 2;
            survivor.beat();
        }
        survivor.beat();
        assertThat(survivor.owned).isEqualTo(all());
        // The paused member wakes up still believing it owns its partitions: its commit must not go through.
        assertThat(membership.validateCommit("g", zombie.memberId, zombie.epoch, nowMs))
                .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
        assertThat(membership.validateCommit("g", survivor.memberId, survivor.epoch, nowMs))
                .isEqualTo(ErrorCode.NONE);
    }

    @Test
    void commitEpochsNewerThanGivenAreFencedAndOlderOnesAreStale() {
        Member a = new Member("", "range");
        Member b = new Member("", "range");
        converge(List.of(a));
        int firstEpoch = a.epoch;
        converge(List.of(a, b));
        assertThat(a.epoch).isGreaterThan(firstEpoch);
        assertThat(membership.validateCommit("g", a.memberId, a.epoch + 1, nowMs))
                .isEqualTo(ErrorCode.FENCED_MEMBER_EPOCH);
        assertThat(membership.validateCommit("g", a.memberId, firstEpoch, nowMs))
                .isEqualTo(ErrorCode.STALE_MEMBER_EPOCH);
        assertThat(membership.validateCommit("g", "", 0, nowMs)).isEqualTo(ErrorCode.NONE);
        assertThat(membership.validateCommit("other", a.memberId, a.epoch, nowMs))
                .isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void memberThatNeverConfirmsRevocationIsRemovedAfterItsRebalanceTimeout() {
        Member a = new Member("", "range");
        a.beat();
        a.beat();
        Member b = new Member("", "range");
        b.beat();
        a.beat(); // told to revoke; from now on it reports all six forever
        Set<TopicPartition> stubborn = all();
        for (int i = 0; i < 6; i++) {
            nowMs += 900;
            membership.heartbeat(new Heartbeat("g", a.memberId, a.epoch, "", "c", List.of("orders"), "", "range",
                    SESSION_MS, 5000, stubborn), TOPICS, nowMs);
            b.beat();
        }
        assertThat(b.owned).isEqualTo(all());
    }

    @Test
    void staticMemberRestartWithinSessionKeepsAssignmentWithoutRebalance() {
        Member a = new Member("a", "range");
        Member b = new Member("b", "range");
        converge(List.of(a, b));
        Set<TopicPartition> before = Set.copyOf(a.owned);
        int groupEpoch = a.last.groupEpoch();
        a.leave(Heartbeat.STATIC_LEAVE_EPOCH);
        nowMs += SESSION_MS / 2;
        b.beat();
        assertThat(b.owned).hasSize(3);
        Member restarted = new Member("a", "range");
        restarted.beat();
        assertThat(restarted.owned).isEqualTo(before);
        assertThat(restarted.last.groupEpoch()).isEqualTo(groupEpoch);
        assertThat(a.beat().error()).as("the old incarnation is fenced").isEqualTo(ErrorCode.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticMemberGoneLongerThanItsSessionIsRemoved() {
        Member a = new Member("a", "range");
        Member b = new Member("b", "range");
        converge(List.of(a, b));
        a.leave(Heartbeat.STATIC_LEAVE_EPOCH);
        for (int i = 0; i < 4; i++) {
            nowMs += SESSION_MS / 2;
            b.beat();
        }
        assertThat(b.owned).isEqualTo(all());
    }

    @Test
    void cooperativeStickyMovesOnlyWhatMustMove() {
        List<Member> members = new java.util.ArrayList<>(List.of(new Member("", "cooperative-sticky"),
                new Member("", "cooperative-sticky"), new Member("", "cooperative-sticky")));
        converge(members);
        Map<String, Set<TopicPartition>> before = new HashMap<>();
        members.forEach(m -> before.put(m.memberId, Set.copyOf(m.owned)));
        Member gone = members.remove(2);
        gone.leave(Heartbeat.LEAVE_EPOCH);
        converge(members);
        for (Member m : members) {
            assertThat(m.owned).hasSize(3).containsAll(before.get(m.memberId));
        }
    }

    @Test
    void rejectsAnotherAssignorAndUnknownOnes() {
        new Member("", "range").beat();
        assertThat(new Member("", "roundrobin").beat().error()).isEqualTo(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(new Member("", "nope").beat().error()).isEqualTo(ErrorCode.UNSUPPORTED_ASSIGNOR);
    }

    @Test
    void negativeTimeoutsAndEpochsBelowMinusTwoAreRefusedNotDefaulted() {
        Heartbeat negativeSession = new Heartbeat("g", "", 0, "", "c", List.of("orders"), "", "", -1, 5000, Set.of());
        Heartbeat negativeRebalance = new Heartbeat("g", "", 0, "", "c", List.of("orders"), "", "", SESSION_MS, -5,
                Set.of());
        Heartbeat badEpoch = new Heartbeat("g", "m", -3, "", "c", List.of("orders"), "", "", SESSION_MS, 5000,
                Set.of());

        for (Heartbeat heartbeat : List.of(negativeSession, negativeRebalance, badEpoch)) {
            HeartbeatResult result = membership.heartbeat(heartbeat, TOPICS, nowMs);
            assertThat(result.error()).as(heartbeat.toString()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        Heartbeat defaults = new Heartbeat("g", "", 0, "", "c", List.of("orders"), "", "", 0, 0, Set.of());
        assertThat(defaults.sessionTimeoutMs()).isEqualTo(Heartbeat.DEFAULT_SESSION_TIMEOUT_MS);
        assertThat(membership.heartbeat(defaults, TOPICS, nowMs).error()).isEqualTo(ErrorCode.NONE);
    }

    @Test
    void regexSubscriptionFollowsNewTopics() {
        Map<String, Integer> topics = new HashMap<>(Map.of("a.1", 2, "b", 3));
        Heartbeat join = new Heartbeat("g", "", 0, "", "c", List.of(), "a\\..*", "", SESSION_MS, 5000, Set.of());
        HeartbeatResult first = membership.heartbeat(join, topics, nowMs);
        assertThat(first.assignment()).hasSize(2);
        topics.put("a.2", 1);
        HeartbeatResult second = membership.heartbeat(new Heartbeat("g", first.memberId(), first.memberEpoch(), "",
                "c", List.of(), "", "", SESSION_MS, 5000, first.assignment()), topics, nowMs);
        assertThat(second.assignment()).hasSize(3);
        assertThat(second.memberEpoch()).isGreaterThan(first.memberEpoch());
    }

    /** Random joins, leaves, expiries and lazy members never give a partition two owners in one generation. */
    @Property(tries = 200)
    void noPartitionHasTwoOwnersInOneGeneration(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int strategy) {
        String assignor = List.of("range", "roundrobin", "sticky", "cooperative-sticky").get(strategy);
        GroupMembership core = new GroupMembership(new SplittableRandom(seed));
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Map<TopicPartition, String>> ownersByEpoch = new HashMap<>();
        Map<Integer, Member> live = new HashMap<>();
        long clock = 0;
        for (int step = 0; step < 300; step++) {
            clock += random.nextInt(200);
            int slot = random.nextInt(5);
            Member m = live.get(slot);
            int action = random.nextInt(10);
            if (m == null) {
                m = new GroupMembershipTest().new Member("", assignor);
                live.put(slot, m);
            } else if (action == 0) {
                m.leave(Heartbeat.LEAVE_EPOCH);
                live.remove(slot);
                continue;
            } else if (action == 1) {
                continue; // lazy: skips a heartbeat
            }
            HeartbeatResult result = core.heartbeat(new Heartbeat("g", m.memberId, m.epoch, "", "c",
                    List.of("orders"), "", assignor, SESSION_MS, 3000, m.owned), TOPICS, clock);
            if (result.error() != ErrorCode.NONE) {
                live.remove(slot);
                continue;
            }
            m.memberId = result.memberId();
            m.epoch = result.memberEpoch();
            m.owned = new TreeSet<>(result.assignment());
            for (TopicPartition tp : m.owned) {
                String previous = ownersByEpoch.computeIfAbsent(String.valueOf(m.epoch), e -> new HashMap<>())
                        .putIfAbsent(tp, m.memberId);
                assertThat(previous == null || previous.equals(m.memberId))
                        .as("%s owned by %s and %s in epoch %s", tp, previous, m.memberId, m.epoch).isTrue();
            }
        }
    }
}
