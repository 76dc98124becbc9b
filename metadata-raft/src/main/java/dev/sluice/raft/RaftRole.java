package dev.sluice.raft;

import java.util.HashSet;
import java.util.Set;

/**
 * The role a node plays in one epoch. Only {@link QuorumTransitions} creates roles; handlers in {@link RaftCore}
 * read them and update their timers. Roles are owned by the core's thread. Times are absolute milliseconds.
 */
public sealed interface RaftRole
    permits RaftRole.Unattached, RaftRole.Follower, RaftRole.Prospective, RaftRole.Candidate, Leader,
    RaftRole.Resigned {

    int epoch();

    /** The leader of this epoch as this node knows it, or -1. */
    int leaderId();

    /**
     * No known leader in this epoch. A voter waits until {@code deadlineMs}, then runs a pre-vote; an observer
     * fetches from a random voter at {@code deadlineMs} to discover the leader.
     */
    final class Unattached implements RaftRole {
        private final int epoch;
        private final int votedId;
        long deadlineMs;
        boolean discoveryInFlight;

        Unattached(int epoch, int votedId, long deadlineMs) {
            this.epoch = epoch;
            this.votedId = votedId;
            this.deadlineMs = deadlineMs;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int leaderId() {
            return QuorumState.NONE;
        }

        public int votedId() {
            return votedId;
        }
    }

    /**
     * Fetches from a known leader (voters and observers alike): entries, or the leader's snapshot in chunks when
     * its log fell behind the leader's log start.
     */
    final class Follower implements RaftRole {
        private final int epoch;
        private final int leaderId;
        /** Since when this node follows the leader, or when the leader last answered a fetch or announced itself. */
        long lastLeaderContactMs;
        /**
         * When the leader itself last answered a fetch or announced itself; far in the past while the leader is
         * only known from another node's hint. Only this refuses pre-votes, so hints cannot keep a dead leader.
         */
        long lastHeardFromLeaderMs = Long.MIN_VALUE / 2;
        boolean fetchInFlight;
        /** When the in-flight fetch is given up on, or when the next fetch goes out if none is in flight. */
        long fetchDeadlineMs;
        /** When the last fetch for entries went out. */
        long lastFetchSentMs;
        /** The leader's snapshot being fetched instead of entries, or null. */
        SnapshotDownload snapshotDownload;

        Follower(int epoch, int leaderId, long nowMs) {
            this.epoch = epoch;
            this.leaderId = leaderId;
            this.lastLeaderContactMs = nowMs;
            this.fetchDeadlineMs = nowMs;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int leaderId() {
            return leaderId;
        }
    }

    /** Runs a pre-vote for {@code epoch + 1} without changing anyone's epoch. */
    final class Prospective implements RaftRole {
        private final int epoch;
        private final int votedId;
        final Set<Integer> granted = new HashSet<>();
        final Set<Integer> rejected = new HashSet<>();
        final long deadlineMs;

        Prospective(int epoch, int votedId, long deadlineMs) {
            this.epoch = epoch;
            this.votedId = votedId;
            this.deadlineMs = deadlineMs;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int leaderId() {
            return QuorumState.NONE;
        }

        public int votedId() {
            return votedId;
        }
    }

    /** Has voted for itself in {@code epoch} and collects votes. */
    final class Candidate implements RaftRole {
        private final int epoch;
        final Set<Integer> granted = new HashSet<>();
        final Set<Integer> rejected = new HashSet<>();
        final long deadlineMs;

        Candidate(int epoch, long deadlineMs) {
            this.epoch = epoch;
            this.deadlineMs = deadlineMs;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int leaderId() {
            return QuorumState.NONE;
        }
    }

    /**
     * Was the leader of {@code epoch} and gave it up (closing, check-quorum failure, or restarting after a
     * crash as leader). It neither serves fetches nor votes in this epoch; at {@code deadlineMs} it runs a
     * pre-vote unless another leader showed up first.
     */
    final class Resigned implements RaftRole {
        private final int epoch;
        final long deadlineMs;

        Resigned(int epoch, long deadlineMs) {
            this.epoch = epoch;
            this.deadlineMs = deadlineMs;
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int leaderId() {
            return QuorumState.NONE;
        }
    }
}
