package dev.sluice.broker.group.classic;

import java.util.List;

/**
 * An immutable snapshot of a classic group, for DescribeGroups and ListGroups.
 *
 * @param state Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable
 */
public record ClassicGroupView(String groupId, String state, int generation, String protocolType,
                               String protocolName, String leaderId, List<Member> members) {
    /** One member: its metadata for the chosen protocol and its assignment of the current generation. */
    public record Member(String memberId, String instanceId, String clientId, String clientHost, byte[] metadata,
                         byte[] assignment) {
    }
}
