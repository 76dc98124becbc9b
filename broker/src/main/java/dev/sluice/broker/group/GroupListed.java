package dev.sluice.broker.group;

import dev.sluice.broker.group.classic.ClassicGroupView;

/**
 * One group in a listing: a server-assigned group has {@code view}, a Kafka classic group {@code classic}, a group of
 * committed offsets only neither. Immutable.
 */
public record GroupListed(String groupId, GroupView view, ClassicGroupView classic) {
    /** Empty, Reconciling or Stable for Sluice's groups; Kafka's state names for classic groups. */
    public String state() {
        return view != null ? view.state() : classic != null ? classic.state() : "Empty";
    }

    public int members() {
        return view != null ? view.members().size() : classic != null ? classic.members().size() : 0;
    }
}
