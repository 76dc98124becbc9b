package dev.sluice.raft;

import dev.sluice.raft.RaftMessage.BeginQuorumEpochRequest;
import dev.sluice.raft.RaftMessage.BeginQuorumEpochResponse;
import dev.sluice.raft.RaftMessage.EndQuorumEpochRequest;
import dev.sluice.raft.RaftMessage.EndQuorumEpochResponse;
import dev.sluice.raft.RaftMessage.FetchRequest;
import dev.sluice.raft.RaftMessage.FetchResponse;
import dev.sluice.raft.RaftMessage.FetchSnapshotRequest;
import dev.sluice.raft.RaftMessage.FetchSnapshotResponse;
import dev.sluice.raft.RaftMessage.VoteRequest;
import dev.sluice.raft.RaftMessage.VoteResponse;
import dev.sluice.raft.RaftRole.Candidate;
import dev.sluice.raft.RaftRole.Follower;
import dev.sluice.raft.RaftRole.Prospective;
import dev.sluice.raft.RaftRole.Resigned;
import dev.sluice.raft.RaftRole.Unattached;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Raft state machine of one node: a pure function of its inputs. It takes messages, ticks and appends with the
 * current time and returns {@link RaftEffects}; it opens no sockets or files, reads no clock and starts no
 * threads. Owned by one thread (the driver's or the simulator's). Offsets are log offsets; times are
 * milliseconds.
 *
 * <p>Snapshots: every {@code snapshotIntervalEntries} committed entries the core asks the state machine for one
 * ({@link Notification.SnapshotDue}), stores it and drops the log below the previous snapshot; a fetcher below the
 * log start is sent the newest snapshot, in chunks ({@link FetchHandling}).
 *
 * <p>Invariants: the in-memory log mirrors what the shell made durable once the returned writes are applied;
 * the high watermark never decreases and never exceeds the log end; every request handled gets exactly one
 * response, at once or (for a held fetch) later; role changes happen only in {@link QuorumTransitions}.
 */
public final class RaftCore {
    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(RaftCore.class);

    /** Log the first request from this node's own id only: an impostor would send many. */
    private boolean warnedOfRequestFromSelf;

    private final RaftConfig config;
    private final RandomGenerator random;
    private final RaftLog log;
    private final EffectsCollector effects = new EffectsCollector();
    private final QuorumTransitions transitions;
    private final LeaderReplication replication;
    private final FollowerReplication followerReplication;
    private long highWatermark;
    /**
     * The quorum's high watermark as last learned from the leader (its fetch responses, or this node's own once it
     * leads and its epoch marker committed); -1 until then. Unlike {@link #highWatermark} it is not capped by this
     * node's log end, so a restarted node can tell how far it still has to replay.
     */
    private long quorumHighWatermark = -1;
    private long nextNotifiedOffset;
    /** The end offset of the last snapshot asked for, loaded or installed. */
    private long lastSnapshotOffset;
    private int notifiedLeaderId = QuorumState.NONE;
    private int notifiedEpoch = -1;

    /** A node whose log starts at offset 0 and that has no snapshot. */
    public RaftCore(RaftConfig config, RandomGenerator random, List<LogEntry> recoveredLog,
                    QuorumState recoveredState, long nowMs) {
        this(config, random, RecoveredLog.of(recoveredLog), recoveredState, nowMs);
    }

    /**
     * Restores a node from what storage read back. With a snapshot, the first effects hand it to the state machine
     * ({@link Notification.SnapshotLoaded}) and commits continue after it.
     */
    public RaftCore(RaftConfig config, RandomGenerator random, RecoveredLog recovered, QuorumState recoveredState,
                    long nowMs) {
        this.config = config;
        this.random = random;
        this.log = RaftLog.of(recovered);
        this.transitions = new QuorumTransitions(config, random, effects, recoveredState, nowMs);
        this.replication = new LeaderReplication(config, log, effects);
        this.followerReplication = new FollowerReplication(config, log, effects, random);
        Snapshot snapshot = recovered.snapshot();
        if (snapshot != null) {
            highWatermark = snapshot.endOffset();
            nextNotifiedOffset = snapshot.endOffset();
            lastSnapshotOffset = snapshot.endOffset();
            effects.notify(new Notification.SnapshotLoaded(snapshot));
        }
    }

    /** The result of {@link #append}: the entry's offset, or -1 with a leader hint when this node is not leader. */
    public record AppendResult(long offset, int leaderIdHint, int epoch, RaftEffects effects) {
        public boolean appended() {
            return offset >= 0;
        }
    }

    // ---- entry points -------------------------------------------------------------------------------------

    /** Runs due timers. The shell calls it first on start and then no later than each effects' deadline. */
    public RaftEffects tick(long nowMs) {
        return finish(nowMs);
    }

    public RaftEffects handle(RaftMessage message, long nowMs) {
        if (message instanceof RaftMessage.Request && message.sourceId() == config.nodeId()) {
            // A node never sends itself a request: this one comes from another process using this node's id, or
            // from this node through a voter entry that names this node's address (seen in a test whose two voters
            // got the same port: the leader received its own BeginQuorumEpoch and stopped on a broken invariant).
            // Acting on it could make a leader follow itself; it gets no answer.
            if (!warnedOfRequestFromSelf) {
                warnedOfRequestFromSelf = true;
                logger.warn("[node {}] dropping a {} that claims to come from this node; is another process running "
                        + "with node id {}, or does a voter entry name this node's address?", config.nodeId(),
                        message.getClass().getSimpleName(), config.nodeId());
            }
            return finish(nowMs);
        }
        if (message instanceof RaftMessage.Response response && response.epoch() > transitions.epoch()) {
            learnHigherEpoch(response, nowMs);
        } else if (message instanceof VoteRequest request) {
            ElectionHandling.handleVoteRequest(this, request, nowMs);
        } else if (message instanceof VoteResponse response) {
            ElectionHandling.handleVoteResponse(this, response, nowMs);
        } else if (message instanceof BeginQuorumEpochRequest request) {
            ElectionHandling.handleBeginQuorumEpochRequest(this, request, nowMs);
        } else if (message instanceof BeginQuorumEpochResponse response) {
            if (transitions.role() instanceof Leader leader && response.epoch() == leader.epoch()
                && response.error() == RaftError.NONE) {
                leader.unacknowledgedVoters.remove(response.sourceId());
            }
        } else if (message instanceof EndQuorumEpochRequest request) {
            ElectionHandling.handleEndQuorumEpochRequest(this, request, nowMs);
        } else if (message instanceof FetchRequest request) {
            FetchHandling.handleFetchRequest(this, request, nowMs);
        } else if (message instanceof FetchResponse response) {
            FetchHandling.handleFetchResponse(this, response, nowMs);
        } else if (message instanceof FetchSnapshotRequest request) {
            FetchHandling.handleFetchSnapshotRequest(this, request, nowMs);
        } else if (message instanceof FetchSnapshotResponse response) {
            FetchHandling.handleFetchSnapshotResponse(this, response, nowMs);
        } else if (!(message instanceof EndQuorumEpochResponse)) {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return finish(nowMs);
    }

    /** Appends a payload as leader. Entries commit once a majority of voters has them. */
    public AppendResult append(byte[] payload, long nowMs) {
        if (!(transitions.role() instanceof Leader leader)) {
            return new AppendResult(-1, transitions.role().leaderId(), transitions.epoch(), finish(nowMs));
        }
        long offset = appendAsLeader(leader, payload, nowMs);
        return new AppendResult(offset, config.nodeId(), leader.epoch(), finish(nowMs));
    }

    /** Gives up leadership gracefully (on close): voters hear EndQuorumEpoch and the best successor runs first. */
    public RaftEffects resign(long nowMs) {
        if (transitions.role() instanceof Leader leader) {
            resignLeadership(leader, nowMs);
        }
        return finish(nowMs);
    }

    /**
     * Takes a snapshot the state machine made after a {@link Notification.SnapshotDue}: stores it and drops the log
     * below the previous snapshot, so the newest snapshot always has an older one plus the log to fall back on.
     * A snapshot no newer than the newest one (a fetched snapshot overtook it) is ignored.
     */
    public RaftEffects handleSnapshotCreated(Snapshot snapshot, long nowMs) {
        Snapshot latest = log.latestSnapshot();
        if (latest == null || snapshot.endOffset() > latest.endOffset()) {
            if (snapshot.endOffset() > highWatermark) {
                throw new IllegalStateException(snapshot + " covers entries above the high watermark "
                    + highWatermark);
            }
            long newStart = latest == null ? log.startOffset() : latest.endOffset();
            boolean startMoves = newStart > log.startOffset();
            log.addSnapshot(snapshot, newStart);
            effects.write(new StorageOperation.WriteSnapshot(snapshot));
            if (startMoves) {
                effects.write(new StorageOperation.TruncatePrefix(new OffsetAndEpoch(newStart, log.startEpoch())));
            }
        }
        return finish(nowMs);
    }

    /** Tells the core that a request it asked to send failed in transport, so it can retry sooner. */
    public RaftEffects handleRequestFailure(int destinationId, RaftMessage.Request request, long nowMs) {
        if (request instanceof FetchRequest || request instanceof FetchSnapshotRequest) {
            followerReplication.handleFetchFailure(transitions.role(), destinationId, nowMs);
        }
        return finish(nowMs);
    }

    // ---- queries ------------------------------------------------------------------------------------------

    public RaftRole role() {
        return transitions.role();
    }

    public int epoch() {
        return transitions.epoch();
    }

    public int leaderId() {
        return transitions.role().leaderId();
    }

    public QuorumState quorumState() {
        return transitions.state();
    }

    public long highWatermark() {
        return highWatermark;
    }

    /** The quorum's high watermark as last learned from its leader, or -1 while none was learned since start. */
    public long quorumHighWatermark() {
        return quorumHighWatermark;
    }

    void learnQuorumHighWatermark(long leaderHighWatermark) {
        quorumHighWatermark = Math.max(quorumHighWatermark, leaderHighWatermark);
    }

    public long logEndOffset() {
        return log.endOffset();
    }

    public int lastEpoch() {
        return log.lastEpoch();
    }

    /** The offset of the first entry still in the log; everything below is in a snapshot. */
    public long logStartOffset() {
        return log.startOffset();
    }

    /** The newest snapshot, stored or installed, or null. */
    public Snapshot latestSnapshot() {
        return log.latestSnapshot();
    }

    public RaftConfig config() {
        return config;
    }

    /** The entry at {@code offset}; for tests and diagnostics. */
    public LogEntry entry(long offset) {
        return log.entry(offset);
    }

    // ---- shared with the handlers -------------------------------------------------------------------------

    QuorumTransitions transitions() {
        return transitions;
    }

    RaftLog log() {
        return log;
    }

    EffectsCollector effects() {
        return effects;
    }

    RandomGenerator random() {
        return random;
    }

    void becomeLeader(long nowMs) {
        Leader leader = transitions.transitionToLeader(log.endOffset(), nowMs);
        appendAsLeader(leader, new byte[0], nowMs);
        ElectionHandling.sendBeginQuorumEpoch(this, leader, nowMs);
    }

    void resignLeadership(Leader leader, long nowMs) {
        List<Integer> successors = leader.preferredSuccessors();
        transitions.transitionToResigned(nowMs);
        for (int voterId : successors) {
            effects.send(voterId, new EndQuorumEpochRequest(config.nodeId(), leader.epoch(), successors));
        }
    }

    private long appendAsLeader(Leader leader, byte[] payload, long nowMs) {
        LogEntry entry = new LogEntry(log.endOffset(), leader.epoch(), payload);
        log.append(entry);
        effects.write(new StorageOperation.AppendEntries(List.of(entry)));
        leader.updateSelf(log.endOffset(), nowMs);
        maybeAdvanceHighWatermark(leader);
        return entry.offset();
    }

    LeaderReplication replication() {
        return replication;
    }

    FollowerReplication followerReplication() {
        return followerReplication;
    }

    void raiseHighWatermark(long proposed) {
        highWatermark = Math.max(highWatermark, proposed);
    }

    /** After a snapshot replaced the log: it is committed, and commits continue after it. */
    void restartNotificationsAt(long snapshotEndOffset) {
        highWatermark = snapshotEndOffset;
        nextNotifiedOffset = snapshotEndOffset;
        lastSnapshotOffset = snapshotEndOffset;
    }

    void maybeAdvanceHighWatermark(Leader leader) {
        long candidate = leader.majorityHighWatermark(config.majority());
        if (candidate > highWatermark) {
            highWatermark = candidate;
        }
    }

    /** Any response from a later epoch: follow its leader if it names one, else wait unattached in it. */
    private void learnHigherEpoch(RaftMessage.Response response, long nowMs) {
        int leaderId = QuorumState.NONE;
        if (response instanceof VoteResponse vote) {
            leaderId = vote.leaderId();
        } else if (response instanceof FetchResponse fetch) {
            leaderId = fetch.leaderId();
        }
        if (leaderId >= 0 && leaderId != config.nodeId()) {
            transitions.transitionToFollower(response.epoch(), leaderId, nowMs);
        } else {
            transitions.transitionToUnattached(response.epoch(), nowMs);
        }
    }

    // ---- timers, notifications ------------------------------------------------------------------------------

    private RaftEffects finish(long nowMs) {
        runDueTimers(nowMs);
        replication.answerHeldFetches(transitions.role(), highWatermark, nowMs);
        emitNotifications();
        return effects.drain(nextDeadlineMs());
    }

    private void runDueTimers(long nowMs) {
        RaftRole role = transitions.role();
        if (role instanceof Unattached unattached && nowMs >= unattached.deadlineMs) {
            if (config.isVoter()) {
                ElectionHandling.startPreVote(this, nowMs);
            } else {
                followerReplication.sendDiscoveryFetch(unattached, highWatermark, nowMs);
            }
        } else if (role instanceof Follower follower) {
            if (nowMs - follower.lastLeaderContactMs >= config.fetchTimeoutMs()) {
                if (config.isVoter()) {
                    ElectionHandling.startPreVote(this, nowMs);
                } else {
                    transitions.transitionToUnattached(follower.epoch(), nowMs);
                }
            } else if (nowMs >= follower.fetchDeadlineMs) {
                followerReplication.sendFetch(follower, highWatermark, nowMs);
            }
        } else if (role instanceof Prospective prospective && nowMs >= prospective.deadlineMs
            || role instanceof Candidate candidate && nowMs >= candidate.deadlineMs
            || role instanceof Resigned resigned && nowMs >= resigned.deadlineMs) {
            ElectionHandling.startPreVote(this, nowMs);
        } else if (role instanceof Leader leader) {
            if (nowMs >= leader.checkQuorumDeadlineMs(config.majority(), config.fetchTimeoutMs())) {
                resignLeadership(leader, nowMs);
            } else if (nowMs >= leader.beginQuorumEpochResendMs && !leader.unacknowledgedVoters.isEmpty()) {
                ElectionHandling.sendBeginQuorumEpoch(this, leader, nowMs);
            }
        }
    }

    private long nextDeadlineMs() {
        RaftRole role = transitions.role();
        if (role instanceof Unattached unattached) {
            return unattached.deadlineMs;
        } else if (role instanceof Follower follower) {
            return Math.min(follower.fetchDeadlineMs, follower.lastLeaderContactMs + config.fetchTimeoutMs());
        } else if (role instanceof Prospective prospective) {
            return prospective.deadlineMs;
        } else if (role instanceof Candidate candidate) {
            return candidate.deadlineMs;
        } else if (role instanceof Resigned resigned) {
            return resigned.deadlineMs;
        }
        Leader leader = (Leader) role;
        long deadlineMs = leader.checkQuorumDeadlineMs(config.majority(), config.fetchTimeoutMs());
        if (!leader.unacknowledgedVoters.isEmpty()) {
            deadlineMs = Math.min(deadlineMs, leader.beginQuorumEpochResendMs);
        }
        for (Leader.ParkedFetch parked : leader.parkedFetches.values()) {
            deadlineMs = Math.min(deadlineMs, parked.deadlineMs());
        }
        return deadlineMs;
    }

    /**
     * Emits committed entries in offset order and leader changes. This node's own leadership is announced only
     * once its epoch marker commits, right after every entry before the marker, so the state machine has seen the
     * whole committed log of earlier epochs when it learns it leads.
     */
    private void emitNotifications() {
        RaftRole role = transitions.role();
        if (role instanceof Leader leader) {
            if (!leader.leaderChangeNotified && highWatermark > leader.epochStartOffset()) {
                emitCommittedUpTo(leader.epochStartOffset());
                notifyLeader(config.nodeId(), leader.epoch(), leader.epochStartOffset());
                leader.leaderChangeNotified = true;
            } else if (!leader.leaderChangeNotified && notifiedLeaderId != QuorumState.NONE) {
                notifyLeader(QuorumState.NONE, leader.epoch(), -1);
            }
        } else if (role.leaderId() != notifiedLeaderId
            || role.leaderId() != QuorumState.NONE && role.epoch() != notifiedEpoch) {
            notifyLeader(role.leaderId(), role.epoch(), -1);
        }
        if (role instanceof Leader leader && leader.leaderChangeNotified) {
            learnQuorumHighWatermark(highWatermark);
        }
        emitCommittedUpTo(highWatermark);
    }

    private void notifyLeader(int leaderId, int epoch, long epochStartOffset) {
        effects.notify(new Notification.LeaderChanged(leaderId, epoch, epochStartOffset));
        notifiedLeaderId = leaderId;
        notifiedEpoch = epoch;
    }

    /** Emits the committed entries below {@code endOffset}, then asks for a snapshot if one is due. */
    private void emitCommittedUpTo(long endOffset) {
        for (; nextNotifiedOffset < endOffset; nextNotifiedOffset++) {
            effects.notify(new Notification.Committed(log.entry(nextNotifiedOffset)));
        }
        if (config.snapshotIntervalEntries() > 0
            && nextNotifiedOffset - lastSnapshotOffset >= config.snapshotIntervalEntries()) {
            lastSnapshotOffset = nextNotifiedOffset;
            effects.notify(new Notification.SnapshotDue(
                new OffsetAndEpoch(nextNotifiedOffset, log.epochBefore(nextNotifiedOffset))));
        }
    }
}
