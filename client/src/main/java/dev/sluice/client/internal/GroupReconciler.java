package dev.sluice.client.internal;

import dev.sluice.client.ConsumerRebalanceListener;
import dev.sluice.client.OffsetAndMetadata;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TopicPartition;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what a consumer's {@link Membership} (the heartbeat thread) received to the consumer's assignment: lost
 * partitions, then a new assignment, revoking before assigning (all owned partitions with the eager assignors, only
 * the moved ones with {@code cooperative-sticky}), auto-committing the revoked partitions first and calling the
 * {@link ConsumerRebalanceListener}; then confirms the assignment to the membership, so the coordinator may hand
 * revoked partitions to other members.
 *
 * <p>Owned by the consumer's polling thread (listener callbacks run there); not thread-safe.
 */
public final class GroupReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(GroupReconciler.class);

    private final ConsumerSettings settings;
    private final Membership membership;
    private final GroupClient group;
    private final SubscriptionState subscriptions;
    private final Metadata metadata;
    /** Drops fetched data of partitions no longer assigned. */
    private final Runnable retainAssigned;
    private ConsumerRebalanceListener listener = ConsumerRebalanceListener.NONE;
    /** The member epoch of the assignment applied last. */
    private int generation;

    public GroupReconciler(ConsumerSettings settings, Membership membership, GroupClient group,
                           SubscriptionState subscriptions, Metadata metadata, Runnable retainAssigned) {
        this.settings = settings;
        this.membership = membership;
        this.group = group;
        this.subscriptions = subscriptions;
        this.metadata = metadata;
        this.retainAssigned = retainAssigned;
    }

    public void setListener(ConsumerRebalanceListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public int generation() {
        return generation;
    }

    /** Applies the membership's latest update, if any; throws the fatal error the coordinator answered. */
    public void apply() {
        Membership.Update update = membership.poll();
        if (update == null) {
            return;
        }
        if (update.fatal() != null) {
            throw update.fatal();
        }
        if (update.lost()) {
            Set<TopicPartition> lost = subscriptions.assignment();
            subscriptions.assignFromGroup(Set.of());
            retainAssigned.run();
            if (!lost.isEmpty()) {
                LOG.info("group {}: lost {}", settings.groupId(), lost);
                listener.onPartitionsLost(lost);
            }
        }
        if (update.assignment() != null) {
            reconcile(update.assignment(), update.epoch());
        }
    }

    private void reconcile(Set<TopicPartition> assignment, int epoch) {
        Set<TopicPartition> owned = subscriptions.assignment();
        boolean eager = !settings.assignor().equals("cooperative-sticky");
        Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
        Set<TopicPartition> added = new LinkedHashSet<>(assignment);
        if (!eager || owned.equals(assignment)) {
            revoked.removeAll(assignment);
            added.removeAll(owned);
        }
        if (!revoked.isEmpty()) {
            if (!commitOnRevoke(revoked)) {
                // The coordinator no longer knows this member: the assignment is from a membership that is over
                // (another member may own these partitions by now), so nothing is assigned from it and everything
                // owned is lost. The heartbeat thread rejoins.
                LOG.info("group {}: membership lost while revoking {}; not applying generation {} {}",
                        settings.groupId(), revoked, epoch, assignment);
                subscriptions.assignFromGroup(Set.of());
                retainAssigned.run();
                listener.onPartitionsLost(owned);
                return;
            }
            listener.onPartitionsRevoked(revoked);
            Set<TopicPartition> kept = new LinkedHashSet<>(owned);
            kept.removeAll(revoked);
            subscriptions.assignFromGroup(kept);
            retainAssigned.run();
        }
        generation = epoch;
        subscriptions.assignFromGroup(assignment);
        metadata.addTopics(assignment.stream().map(TopicPartition::topic).distinct().toList());
        if (!added.isEmpty()) {
            listener.onPartitionsAssigned(added);
        }
        LOG.debug("group {}: generation {} assignment {}", settings.groupId(), epoch, assignment);
        membership.confirm(assignment);
    }

    /** Gives up every owned partition (auto-commit, listener), as before leaving the group. */
    public void revokeAll() {
        Set<TopicPartition> owned = subscriptions.assignment();
        if (!owned.isEmpty()) {
            commitOnRevoke(owned);
            listener.onPartitionsRevoked(owned);
        }
        subscriptions.assignFromGroup(Set.of());
        retainAssigned.run();
    }

    /**
     * Auto-commits the positions of {@code revoked}; false when the coordinator answered that this consumer is no
     * longer a member (found by chaos run 14: a consumer applied an assignment after its membership was gone, and
     * owned a partition another member owned too).
     */
    private boolean commitOnRevoke(Set<TopicPartition> revoked) {
        if (!settings.enableAutoCommit()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        subscriptions.positions().forEach((tp, position) -> {
            if (revoked.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(position));
            }
        });
        try {
            group.commit(offsets, settings.requestTimeoutMs());
        } catch (SluiceException e) {
            LOG.warn("group {}: commit before revoking {} failed: {}", settings.groupId(), revoked, e.getMessage());
            return !GroupClient.meansMembershipGone(e.errorCode());
        }
        return true;
    }
}
