package dev.sluice.raft;

import dev.sluice.raft.RaftRole.Candidate;
import dev.sluice.raft.RaftRole.Follower;
import dev.sluice.raft.RaftRole.Prospective;
import dev.sluice.raft.RaftRole.Resigned;
import dev.sluice.raft.RaftRole.Unattached;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the current {@link RaftRole} and the persisted {@link QuorumState}; every role change happens here, and
 * each change that alters epoch, vote or leader is queued for a synced write before anything else leaves.
 * Owned by the core's thread. Times are absolute milliseconds.
 *
 * <p>Transition table (E is the current epoch; "voter" excludes observers, which never leave
 * Unattached/Follower):
 * <pre>
 * from                        event                                                   to
 * (start)                     persisted leader = self                                 Resigned(E)
 * (start)                     persisted leader = L                                    Follower(E, L)
 * (start)                     otherwise                                               Unattached(E, persisted vote)
 * any                         message with epoch E' &gt; E, leader unknown               Unattached(E')
 * any but Leader(E)           message naming leader L for epoch E' &gt;= E               Follower(E', L)
 * Unattached(E)               grants a vote to C                                      Unattached(E, voted C)
 * Follower(E, L)              EndQuorumEpoch from L, or L answers NOT_LEADER in E      Unattached(E, same vote)
 * Unattached, Resigned,       voter's election timer fires, or a follower's fetch     Prospective(E)
 *   Follower, Candidate         timer (no contact with the leader)
 * Prospective(E)              majority of pre-votes                                   Candidate(E + 1), votes self
 * Prospective(E)              timer fires                                             Prospective(E) again
 * Candidate(E)                majority of votes                                       Leader(E)
 * Leader(E)                   resign on close, or check-quorum fails                  Resigned(E)
 * </pre>
 */
public final class QuorumTransitions {
    private static final Logger log = LoggerFactory.getLogger(QuorumTransitions.class);

    private final RaftConfig config;
    private final RandomGenerator random;
    private final EffectsCollector effects;
    private QuorumState state;
    private RaftRole role;

    QuorumTransitions(RaftConfig config, RandomGenerator random, EffectsCollector effects, QuorumState recovered,
                      long nowMs) {
        this.config = config;
        this.random = random;
        this.effects = effects;
        this.state = recovered;
        if (recovered.leaderId() == config.nodeId()) {
            role = new Resigned(recovered.epoch(), firstDeadlineMs(nowMs));
        } else if (recovered.leaderId() != QuorumState.NONE) {
            role = new Follower(recovered.epoch(), recovered.leaderId(), nowMs);
        } else {
            role = new Unattached(recovered.epoch(), recovered.votedId(), firstDeadlineMs(nowMs));
        }
    }

    public RaftRole role() {
        return role;
    }

    public QuorumState state() {
        return state;
    }

    public int epoch() {
        return role.epoch();
    }

    /**
     * A sole voter elects itself at once (also after restarting as leader); observers look for the leader at once;
     * other voters wait.
     */
    private long firstDeadlineMs(long nowMs) {
        boolean soleVoter = config.isVoter() && config.voterIds().size() == 1;
        return soleVoter || !config.isVoter() ? nowMs : electionDeadlineMs(nowMs);
    }

    /** Now plus the election timeout plus a random jitter of up to one more timeout. */
    long electionDeadlineMs(long nowMs) {
        return nowMs + config.electionTimeoutMs() + random.nextLong(config.electionTimeoutMs());
    }

    long randomBackoffMs(long boundMs) {
        return random.nextLong(Math.max(1, boundMs));
    }

    void transitionToUnattached(int epoch, long nowMs) {
        checkEpochNotBelow(epoch);
        int votedId = epoch == state.epoch() ? state.votedId() : QuorumState.NONE;
        long deadlineMs = config.isVoter() ? electionDeadlineMs(nowMs) : nowMs;
        become(new Unattached(epoch, votedId, deadlineMs), new QuorumState(epoch, votedId, QuorumState.NONE));
    }

    /** Leaves a resigned leader's epoch without a leader; {@code deadlineMs} reflects the successor order. */
    void transitionToUnattachedAfterResignation(long deadlineMs) {
        int epoch = role.epoch();
        become(new Unattached(epoch, state.votedId(), deadlineMs),
            new QuorumState(epoch, state.votedId(), QuorumState.NONE));
    }

    void transitionToVoted(int candidateId, long nowMs) {
        if (!(role instanceof Unattached) && !(role instanceof Prospective)) {
            throw new IllegalStateException("cannot vote as " + describe());
        }
        int epoch = role.epoch();
        become(new Unattached(epoch, candidateId, electionDeadlineMs(nowMs)),
            new QuorumState(epoch, candidateId, QuorumState.NONE));
    }

    void transitionToFollower(int epoch, int leaderId, long nowMs) {
        checkEpochNotBelow(epoch);
        if (role instanceof Leader && epoch == role.epoch()) {
            throw new IllegalStateException("leader of epoch " + epoch + " told of another leader " + leaderId);
        }
        if (role instanceof Follower follower && follower.epoch() == epoch && follower.leaderId() == leaderId) {
            follower.lastLeaderContactMs = nowMs;
            return;
        }
        int votedId = epoch == state.epoch() ? state.votedId() : QuorumState.NONE;
        become(new Follower(epoch, leaderId, nowMs), new QuorumState(epoch, votedId, leaderId));
    }

    void transitionToProspective(long nowMs) {
        requireVoter();
        int epoch = role.epoch();
        become(new Prospective(epoch, state.votedId(), electionDeadlineMs(nowMs)),
            new QuorumState(epoch, state.votedId(), QuorumState.NONE));
    }

    void transitionToCandidate(long nowMs) {
        requireVoter();
        if (!(role instanceof Prospective)) {
            throw new IllegalStateException("only a prospective voter becomes a candidate, not " + describe());
        }
        int epoch = role.epoch() + 1;
        become(new Candidate(epoch, electionDeadlineMs(nowMs)),
            new QuorumState(epoch, config.nodeId(), QuorumState.NONE));
    }

    Leader transitionToLeader(long epochStartOffset, long nowMs) {
        if (!(role instanceof Candidate)) {
            throw new IllegalStateException("only a candidate becomes leader, not " + describe());
        }
        Leader leader = new Leader(role.epoch(), config.nodeId(), epochStartOffset, config.voterIds(), nowMs);
        become(leader, new QuorumState(role.epoch(), config.nodeId(), config.nodeId()));
        return leader;
    }

    void transitionToResigned(long nowMs) {
        if (!(role instanceof Leader)) {
            throw new IllegalStateException("only a leader resigns, not " + describe());
        }
        become(new Resigned(role.epoch(), electionDeadlineMs(nowMs)), state);
    }

    private void become(RaftRole next, QuorumState nextState) {
        RaftRole previous = role;
        role = next;
        if (!nextState.equals(state)) {
            state = nextState;
            effects.write(new StorageOperation.PersistQuorumState(nextState));
        }
        if (previous.getClass() != next.getClass() || previous.epoch() != next.epoch()
            || previous.leaderId() != next.leaderId()) {
            log.info("[node {}] {} -> {}", config.nodeId(), describe(previous), describe(next));
        }
    }

    private void checkEpochNotBelow(int epoch) {
        if (epoch < role.epoch()) {
            throw new IllegalStateException("epoch would go back from " + role.epoch() + " to " + epoch);
        }
    }

    private void requireVoter() {
        if (!config.isVoter()) {
            throw new IllegalStateException("observer " + config.nodeId() + " cannot stand for election");
        }
    }

    String describe() {
        return describe(role);
    }

    private static String describe(RaftRole role) {
        return role.getClass().getSimpleName() + "(epoch " + role.epoch() + ", leader " + role.leaderId() + ")";
    }
}
