package dev.sluice.broker.replication;

import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The replication state a partition leader keeps for one leader epoch (Kafka's ISR model): each follower's
 * progress, the high watermark, and the ISR changes it proposes to the controller. Pure: events come in with the
 * current time and the leader's log end offset, and each returns a {@link LeaderUpdate} for the shell to carry out.
 *
 * <p>Threads: not thread-safe; the owning {@link LeaderPartition} serializes every call.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>High watermark</b> = the smallest log end offset over the <i>maximal</i> ISR (the committed ISR plus a
 *       replica being added), the leader's own included; the leader counts itself only up to its acknowledgeable
 *       end (what its flush policy lets count: synced, when the topic asks for durable acknowledgements). It never
 *       moves back. A follower's log end counts only once it fetched in this leader epoch with a log the leader
 *       validated (no divergence), so before every
 *       ISR member fetched once, the high watermark stays where the previous leader left it.</li>
 *   <li><b>Shrink</b>: an ISR member that is neither at the leader's log end nor caught up within
 *       {@code lagMaxMs} is proposed for removal ({@link #maybeShrinkIsr}).</li>
 *   <li><b>Expand</b>: a replica outside the ISR whose log end reached both the high watermark and the start
 *       offset of this leader epoch is proposed for addition (on its fetch), with the broker epoch that fetch was
 *       sent at, for the controller to check against the replica's registration (KIP-903); not before the
 *       follower fetches with a broker epoch (a follower replicates while its registration is still under way), and
 *       not while the latest cluster image shows its broker fenced or unregistered ({@link #handleClusterImage}).</li>
 *   <li><b>Stale fetches</b>: a fetch sent at a lower broker epoch than one already counted for that follower comes
 *       from its previous process and is not counted ({@link #isStaleFetch}).</li>
 *   <li><b>One change in flight</b>: while a proposal is pending no other is made; it is settled by the metadata
 *       image showing a newer partition epoch ({@link #handlePartitionImage}) or by an error reply, after which
 *       proposals wait {@code retryBackoffMs}.</li>
 * </ul>
 *
 * <p>Units: offsets are record offsets, times epoch milliseconds.
 */
public final class LeaderPartitionState {

    private final int localBrokerId;
    private final int leaderEpoch;
    private final long leaderEpochStartOffset;
    private final long lagMaxMs;
    private final long retryBackoffMs;
    private final Map<Integer, FollowerProgress> followers = new HashMap<>();
    private List<Integer> replicas;
    private List<Integer> isr;
    private int partitionEpoch;
    private long highWatermark;
    private long leaderLogEndOffset;
    private long leaderAcknowledgeableEnd;
    private IsrProposal pending;
    /** Whether a broker may join the ISR as of the latest cluster image ({@link #handleClusterImage}). */
    private IntPredicate isrEligible = broker -> true;
    private long noProposalBeforeMs;

    /**
     * @param localBrokerId this broker, the leader named by {@code partition}
     * @param partition the assignment that made this broker leader
     * @param leaderLogEndOffset the local log end offset when leadership began (the leader-epoch start offset)
     * @param highWatermark the local high watermark when leadership began
     * @param lagMaxMs {@code replica.lag.time.max.ms}
     * @param retryBackoffMs how long to wait after a refused ISR change before proposing again
     */
    public LeaderPartitionState(int localBrokerId, PartitionImage partition, long leaderLogEndOffset,
                                long highWatermark, long nowMs, long lagMaxMs, long retryBackoffMs) {
        this(localBrokerId, partition, leaderLogEndOffset, leaderLogEndOffset, highWatermark, nowMs, lagMaxMs,
                retryBackoffMs);
    }

    /**
     * @param leaderAcknowledgeableEnd the local log's acknowledgeable end when leadership began (at most its end)
     */
    public LeaderPartitionState(int localBrokerId, PartitionImage partition, long leaderLogEndOffset,
                                long leaderAcknowledgeableEnd, long highWatermark, long nowMs, long lagMaxMs,
                                long retryBackoffMs) {
        if (leaderAcknowledgeableEnd > leaderLogEndOffset) {
            throw new IllegalArgumentException("acknowledgeable end " + leaderAcknowledgeableEnd + " above log end "
                    + leaderLogEndOffset);
        }
        if (partition.leaderId() != localBrokerId) {
            throw new IllegalArgumentException("broker " + localBrokerId + " does not lead " + partition);
        }
        if (highWatermark > leaderLogEndOffset) {
            throw new IllegalArgumentException("high watermark " + highWatermark + " above log end "
                    + leaderLogEndOffset);
        }
        this.localBrokerId = localBrokerId;
        this.leaderEpoch = partition.leaderEpoch();
        this.leaderEpochStartOffset = leaderLogEndOffset;
        this.lagMaxMs = lagMaxMs;
        this.retryBackoffMs = retryBackoffMs;
        this.replicas = partition.replicas();
        this.isr = partition.isr();
        this.partitionEpoch = partition.partitionEpoch();
        this.highWatermark = highWatermark;
        this.leaderLogEndOffset = leaderLogEndOffset;
        this.leaderAcknowledgeableEnd = leaderAcknowledgeableEnd;
        for (int replica : replicas) {
            if (replica != localBrokerId) {
                followers.put(replica, FollowerProgress.atLeaderStart(isr.contains(replica), leaderLogEndOffset,
                        nowMs));
            }
        }
    }

    /**
     * Whether a fetch by {@code replicaId} sent at {@code brokerEpoch} comes from a previous process of that broker
     * than one this leader already counted (KIP-903): such a fetch must not count, its process is gone.
     */
    public boolean isStaleFetch(int replicaId, long brokerEpoch) {
        FollowerProgress progress = followers.get(replicaId);
        return progress != null && progress.isStale(brokerEpoch);
    }

    /**
     * A follower fetched at {@code fetchOffset}, sent at its broker epoch {@code brokerEpoch}, and the leader found
     * no divergence.
     *
     * @throws IllegalArgumentException when {@code replicaId} is not a follower of this partition, or the fetch is
     *     stale ({@link #isStaleFetch})
     */
    /**
     * The latest metadata image's broker registrations. A follower it shows fenced (or not registered) is not
     * proposed for the ISR: the controller would refuse it, and the refusal would hold every proposal back for the
     * retry backoff. (A fenced follower can still fetch: it was cut off from the controller, not from this leader.
     * Kafka's leaders check the same, KIP-841.) Until the first image arrives every follower may be proposed.
     */
    public void handleClusterImage(ClusterImage cluster) {
        this.isrEligible = cluster::isUnfenced;
    }

    public LeaderUpdate handleFollowerFetch(int replicaId, long brokerEpoch, long fetchOffset,
                                            long leaderLogEndOffset, long nowMs) {
        FollowerProgress progress = followers.get(replicaId);
        if (progress == null) {
            throw new IllegalArgumentException("broker " + replicaId + " is not a follower of this partition");
        }
        if (progress.isStale(brokerEpoch)) {
            throw new IllegalArgumentException("follower " + replicaId + " fetches at broker epoch " + brokerEpoch
                    + " after one at " + progress.brokerEpoch());
        }
        if (fetchOffset > leaderLogEndOffset) {
            throw new IllegalArgumentException("follower " + replicaId + " fetches at " + fetchOffset
                    + " beyond the leader's log end " + leaderLogEndOffset);
        }
        observeLogEnd(leaderLogEndOffset);
        followers.put(replicaId, progress.afterFetch(brokerEpoch, fetchOffset, this.leaderLogEndOffset, nowMs));
        boolean advanced = maybeAdvanceHighWatermark();
        IsrProposal proposal = maybeExpandIsr(replicaId, nowMs);
        return LeaderUpdate.of(highWatermark, advanced, proposal);
    }

    /** The leader appended locally; its log now ends at {@code leaderLogEndOffset}, all of which counts. */
    public LeaderUpdate handleLocalAppend(long leaderLogEndOffset) {
        return handleLocalAppend(leaderLogEndOffset, leaderLogEndOffset);
    }

    /**
     * The leader appended or synced locally: its log ends at {@code leaderLogEndOffset}, and counts for the high
     * watermark up to {@code leaderAcknowledgeableEnd}.
     */
    public LeaderUpdate handleLocalAppend(long leaderLogEndOffset, long leaderAcknowledgeableEnd) {
        observeLogEnd(leaderLogEndOffset);
        if (leaderAcknowledgeableEnd > leaderLogEndOffset) {
            throw new IllegalArgumentException("acknowledgeable end " + leaderAcknowledgeableEnd + " above log end "
                    + leaderLogEndOffset);
        }
        this.leaderAcknowledgeableEnd = Math.max(this.leaderAcknowledgeableEnd, leaderAcknowledgeableEnd);
        boolean advanced = maybeAdvanceHighWatermark();
        return LeaderUpdate.of(highWatermark, advanced, null);
    }

    /** Periodic check: proposes removing the ISR members that lag more than {@code lagMaxMs}. */
    public LeaderUpdate maybeShrinkIsr(long nowMs) {
        if (pending != null || nowMs < noProposalBeforeMs) {
            return LeaderUpdate.of(highWatermark, false, null);
        }
        List<Integer> kept = new ArrayList<>();
        for (int replica : isr) {
            FollowerProgress progress = followers.get(replica);
            if (replica == localBrokerId || progress == null
                    || progress.isCaughtUp(leaderLogEndOffset, nowMs, lagMaxMs)) {
                kept.add(replica);
            }
        }
        if (kept.size() == isr.size()) {
            return LeaderUpdate.of(highWatermark, false, null);
        }
        pending = new IsrProposal(localBrokerId, leaderEpoch, partitionEpoch, kept);
        return LeaderUpdate.of(highWatermark, false, pending);
    }

    /**
     * The controller answered {@code proposal}. Success is applied only when the metadata image shows it; an error
     * (fenced epoch, no controller, a timeout) drops the proposal, and proposals pause for the retry backoff.
     * Proposals other than the pending one are ignored.
     */
    public LeaderUpdate handleIsrChangeResponse(IsrProposal proposal, ErrorCode error, long nowMs) {
        if (!proposal.equals(pending)) {
            return LeaderUpdate.of(highWatermark, false, null);
        }
        if (error != ErrorCode.NONE) {
            pending = null;
            noProposalBeforeMs = nowMs + retryBackoffMs;
        } else if (proposal.newIsr().equals(isr)) {
            // Nothing to commit: the controller already had this ISR, so no newer image will come.
            pending = null;
        }
        // Dropping an expansion shrinks the maximal ISR, which may let the high watermark move.
        boolean advanced = maybeAdvanceHighWatermark();
        return LeaderUpdate.of(highWatermark, advanced, null);
    }

    /**
     * A new metadata image with this broker still leading in the same epoch. A newer partition epoch replaces the
     * ISR and replicas and settles the pending proposal (committed, or overtaken by another change).
     *
     * @throws IllegalArgumentException when the image names another leader or leader epoch
     */
    public LeaderUpdate handlePartitionImage(PartitionImage partition, long nowMs) {
        if (partition.leaderId() != localBrokerId || partition.leaderEpoch() != leaderEpoch) {
            throw new IllegalArgumentException("image " + partition + " ends leader epoch " + leaderEpoch);
        }
        if (partition.partitionEpoch() <= partitionEpoch) {
            return LeaderUpdate.of(highWatermark, false, null);
        }
        partitionEpoch = partition.partitionEpoch();
        isr = partition.isr();
        replicas = partition.replicas();
        pending = null;
        followers.keySet().retainAll(replicas);
        for (int replica : replicas) {
            if (replica != localBrokerId) {
                followers.computeIfAbsent(replica, r -> FollowerProgress.atLeaderStart(false, leaderLogEndOffset,
                        nowMs));
            }
        }
        boolean advanced = maybeAdvanceHighWatermark();
        return LeaderUpdate.of(highWatermark, advanced, null);
    }

    private void observeLogEnd(long logEndOffset) {
        if (logEndOffset < leaderLogEndOffset) {
            throw new IllegalStateException("leader log end moved back from " + leaderLogEndOffset + " to "
                    + logEndOffset);
        }
        leaderLogEndOffset = logEndOffset;
    }

    private boolean maybeAdvanceHighWatermark() {
        long candidate = leaderAcknowledgeableEnd;
        for (int replica : maximalIsr()) {
            if (replica != localBrokerId) {
                FollowerProgress progress = followers.get(replica);
                long followerEnd = progress == null ? FollowerProgress.UNKNOWN_OFFSET : progress.logEndOffset();
                candidate = Math.min(candidate, followerEnd);
            }
        }
        if (candidate <= highWatermark) {
            return false;
        }
        highWatermark = candidate;
        return true;
    }

    private IsrProposal maybeExpandIsr(int replicaId, long nowMs) {
        if (isr.contains(replicaId) || pending != null || nowMs < noProposalBeforeMs) {
            return null;
        }
        FollowerProgress progress = followers.get(replicaId);
        if (progress.brokerEpoch() < 0) {
            // A follower that replicates before its registration is done (its broker epoch is not known yet): the
            // controller would refuse it, and the refusal would hold every proposal back for the retry backoff.
            return null;
        }
        if (!isrEligible.test(replicaId)) {
            return null;
        }
        long followerEnd = progress.logEndOffset();
        if (followerEnd < highWatermark || followerEnd < leaderEpochStartOffset) {
            return null;
        }
        List<Integer> expanded = new ArrayList<>();
        for (int replica : replicas) {
            if (isr.contains(replica) || replica == replicaId) {
                expanded.add(replica);
            }
        }
        pending = new IsrProposal(localBrokerId, leaderEpoch, partitionEpoch, expanded,
                Map.of(replicaId, followers.get(replicaId).brokerEpoch()));
        return pending;
    }

    /** The committed ISR, and the replica being added while an expansion is in flight. */
    public Set<Integer> maximalIsr() {
        Set<Integer> maximal = new LinkedHashSet<>(isr);
        if (pending != null) {
            maximal.addAll(pending.newIsr());
        }
        return maximal;
    }

    /** For {@code acks=all}: whether the committed ISR has at least {@code minInsyncReplicas} members. */
    public boolean hasEnoughInSyncReplicas(int minInsyncReplicas) {
        return isr.size() >= minInsyncReplicas;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public List<Integer> isr() {
        return isr;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public int partitionEpoch() {
        return partitionEpoch;
    }

    public long leaderEpochStartOffset() {
        return leaderEpochStartOffset;
    }

    /** The proposal in flight, or null. */
    public IsrProposal pendingIsrChange() {
        return pending;
    }

    /** A follower's progress, or null when {@code replicaId} is not a follower. */
    public FollowerProgress follower(int replicaId) {
        return followers.get(replicaId);
    }
}
