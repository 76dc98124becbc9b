package dev.sluice.bench;

import dev.sluice.raft.Leader;
import dev.sluice.raft.LogEntry;
import dev.sluice.raft.Notification;
import dev.sluice.raft.QuorumState;
import dev.sluice.raft.RaftConfig;
import dev.sluice.raft.RaftCore;
import dev.sluice.raft.RaftEffects;
import dev.sluice.raft.RaftError;
import dev.sluice.raft.RaftMessage.BeginQuorumEpochResponse;
import dev.sluice.raft.RaftMessage.FetchRequest;
import dev.sluice.raft.RaftMessage.FetchResponse;
import dev.sluice.raft.RaftMessage.VoteResponse;
import dev.sluice.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One step of the pure Raft core ({@code dev.sluice.raft.RaftCore}) of a 3-voter quorum, with no I/O: the time is a
 * counter the benchmark advances by 1 ms per operation, and the effects are handed to a {@link Blackhole} instead of
 * a shell. Each state is owned by the benchmark thread, as the core is owned by its driver thread.
 *
 * <ul>
 *   <li>{@code leaderAppendAndHandleFetch}: the leader appends {@code batchEntries} entries ({@code append}, one
 *   call each, as the driver does), then handles follower 2's fetch at the previous batch's end: the fetch
 *   acknowledges that batch, so the commit index (high watermark) advances over it, the committed entries are
 *   notified, and the response carries the new batch. Steady-state pipelining, one batch per round trip.</li>
 *   <li>{@code followerHandleFetchResponse}: a follower handles the leader's response with {@code batchEntries}
 *   new entries and a high watermark at its previous end (appends, asks for the write, commits the previous batch,
 *   sends the next fetch). Building the response's entries is part of the operation.</li>
 *   <li>{@code leaderIdleTick} / {@code followerIdleTick}: a tick before any deadline, with both followers'
 *   fetches held by the leader (long-poll), or with the follower's fetch in flight. Setup checks that they return
 *   no effects.</li>
 * </ul>
 *
 * <p>Snapshots are taken whenever the core asks ({@code SnapshotDue}, every 10,000 committed entries by default),
 * with a 1 KiB state, so the in-memory log stays bounded as in a running node. Units: nanoseconds per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RaftCoreBenchmark {
    private static final int LEADER_ID = 1;
    private static final int FOLLOWER_ID = 2;
    private static final int OTHER_FOLLOWER_ID = 3;
    private static final Set<Integer> VOTERS = Set.of(LEADER_ID, FOLLOWER_ID, OTHER_FOLLOWER_ID);
    private static final byte[] SNAPSHOT_DATA = new byte[1024];
    /** Long enough that no election or check-quorum fires while the benchmark runs. */
    private static final long ELECTION_TIMEOUT_MS = 1_000;
    private static final long FETCH_TIMEOUT_MS = 2_000;
    private static final int FETCH_MAX_BYTES = 1 << 20;
    private static final int FETCH_MAX_WAIT_MS = 500;

    /** A leader whose follower 2 fetches once per appended batch. */
    @State(Scope.Thread)
    public static class LeaderState {
        @Param({"1", "32"})
        public int batchEntries;
        @Param({"200"})
        public int payloadBytes;

        RaftCore core;
        byte[] payload;
        long nowMs;
        long followerEndOffset;

        @Setup
        public void setUp() {
            payload = new byte[payloadBytes];
            nowMs = 10_000;
            core = electLeader(nowMs);
            followerEndOffset = core.logEndOffset();
            completeSnapshots(core, core.handle(fetch(FOLLOWER_ID, core, followerEndOffset, 0), nowMs), nowMs);
        }
    }

    /** A follower of leader 1 in epoch 1. */
    @State(Scope.Thread)
    public static class FollowerState {
        @Param({"1", "32"})
        public int batchEntries;
        @Param({"200"})
        public int payloadBytes;

        RaftCore core;
        byte[] payload;
        long nowMs;

        @Setup
        public void setUp() {
            payload = new byte[payloadBytes];
            nowMs = 10_000;
            core = new RaftCore(config(FOLLOWER_ID), new SplittableRandom(7), List.of(),
                new QuorumState(1, LEADER_ID, LEADER_ID), nowMs);
            core.tick(nowMs);
        }
    }

    /** A leader with both followers' fetches held, and a follower with its fetch in flight; nothing is due. */
    @State(Scope.Thread)
    public static class IdleState {
        RaftCore leader;
        RaftCore follower;
        long nowMs;

        @Setup
        public void setUp() {
            nowMs = 10_000;
            leader = electLeader(nowMs);
            long end = leader.logEndOffset();
            leader.handle(fetch(FOLLOWER_ID, leader, end, 0), nowMs);
            leader.handle(fetch(OTHER_FOLLOWER_ID, leader, end, 0), nowMs);
            leader.handle(fetch(FOLLOWER_ID, leader, end, FETCH_MAX_WAIT_MS), nowMs);
            leader.handle(fetch(OTHER_FOLLOWER_ID, leader, end, FETCH_MAX_WAIT_MS), nowMs);
            follower = new RaftCore(config(FOLLOWER_ID), new SplittableRandom(7), List.of(),
                new QuorumState(1, LEADER_ID, LEADER_ID), nowMs);
            follower.tick(nowMs);
            nowMs++;
            expectNoEffects(leader.tick(nowMs), "leader");
            expectNoEffects(follower.tick(nowMs), "follower");
        }
    }

    @Benchmark
    public void leaderAppendAndHandleFetch(LeaderState state, Blackhole blackhole) {
        RaftCore core = state.core;
        long nowMs = ++state.nowMs;
        for (int i = 0; i < state.batchEntries; i++) {
            blackhole.consume(core.append(state.payload, nowMs));
        }
        RaftEffects effects = core.handle(fetch(FOLLOWER_ID, core, state.followerEndOffset, FETCH_MAX_WAIT_MS),
            nowMs);
        state.followerEndOffset = core.logEndOffset();  // the follower now has the batch: its next fetch acks it
        blackhole.consume(completeSnapshots(core, effects, nowMs));
    }

    @Benchmark
    public void followerHandleFetchResponse(FollowerState state, Blackhole blackhole) {
        RaftCore core = state.core;
        long nowMs = ++state.nowMs;
        long fetchOffset = core.logEndOffset();
        List<LogEntry> entries = new ArrayList<>(state.batchEntries);
        for (int i = 0; i < state.batchEntries; i++) {
            entries.add(new LogEntry(fetchOffset + i, 1, state.payload));
        }
        FetchResponse response = new FetchResponse(LEADER_ID, fetchOffset, core.lastEpoch(), LEADER_ID, 1,
            RaftError.NONE, fetchOffset, entries, -1, -1, -1, -1, core.logStartOffset());
        blackhole.consume(completeSnapshots(core, core.handle(response, nowMs), nowMs));
    }

    @Benchmark
    public RaftEffects leaderIdleTick(IdleState state) {
        return state.leader.tick(state.nowMs);
    }

    @Benchmark
    public RaftEffects followerIdleTick(IdleState state) {
        return state.follower.tick(state.nowMs);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static RaftConfig config(int nodeId) {
        return RaftConfig.of(nodeId, VOTERS, ELECTION_TIMEOUT_MS, FETCH_TIMEOUT_MS);
    }

    /** Node 1 wins a pre-vote and a vote with node 2's help and hears BeginQuorumEpoch back from both peers. */
    private static RaftCore electLeader(long nowMs) {
        RaftCore core = new RaftCore(config(LEADER_ID), new SplittableRandom(7), List.of(), QuorumState.INITIAL, 0);
        core.tick(nowMs);
        core.handle(new VoteResponse(FOLLOWER_ID, core.epoch(), true, RaftError.NONE, -1, true), nowMs);
        core.handle(new VoteResponse(FOLLOWER_ID, core.epoch(), true, RaftError.NONE, -1, false), nowMs);
        if (!(core.role() instanceof Leader)) {
            throw new IllegalStateException("node 1 did not become leader: " + core.role());
        }
        core.handle(new BeginQuorumEpochResponse(FOLLOWER_ID, core.epoch(), RaftError.NONE), nowMs);
        core.handle(new BeginQuorumEpochResponse(OTHER_FOLLOWER_ID, core.epoch(), RaftError.NONE), nowMs);
        return core;
    }

    /** A follower's fetch whose log matches the leader's up to {@code fetchOffset} and knows the leader's HW. */
    private static FetchRequest fetch(int followerId, RaftCore leader, long fetchOffset, int maxWaitMs) {
        int lastFetchedEpoch = fetchOffset == 0 ? 0 : leader.entry(fetchOffset - 1).epoch();
        return new FetchRequest(followerId, leader.epoch(), fetchOffset, lastFetchedEpoch,
            Math.min(leader.highWatermark(), fetchOffset), FETCH_MAX_BYTES, maxWaitMs, false);
    }

    /** Plays the state machine for snapshots: answers every {@code SnapshotDue} in the effects at once. */
    private static RaftEffects completeSnapshots(RaftCore core, RaftEffects effects, long nowMs) {
        for (Notification notification : effects.notifications()) {
            if (notification instanceof Notification.SnapshotDue due) {
                core.handleSnapshotCreated(new Snapshot(due.snapshotId().offset(), due.snapshotId().epoch(),
                    SNAPSHOT_DATA), nowMs);
            }
        }
        return effects;
    }

    private static void expectNoEffects(RaftEffects effects, String node) {
        if (!effects.isEmpty()) {
            throw new IllegalStateException("idle " + node + " tick did something: " + effects);
        }
    }
}
