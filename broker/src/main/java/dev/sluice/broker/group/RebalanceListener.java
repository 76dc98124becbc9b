package dev.sluice.broker.group;

/**
 * Hears of each rebalance a group finished on this coordinator, with how long it took from the group starting to
 * reconcile until every member owned its new assignment (or the group emptied). Called under the offsets
 * partition's lock, so it must be quick; it lets the shell time rebalances without the group package knowing about
 * meters.
 */
@FunctionalInterface
public interface RebalanceListener {
    RebalanceListener NONE = (groupId, durationMs) -> { };

    void rebalanceCompleted(String groupId, long durationMs);
}
