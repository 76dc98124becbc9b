package dev.sluice.broker.group.classic;

import java.util.List;

/**
 * A JoinGroup request of Kafka's classic group protocol, as the coordinator needs it.
 *
 * @param memberId             empty on a member's first join
 * @param instanceId           {@code group.instance.id} of a static member, empty for a dynamic one
 * @param rebalanceTimeoutMs   how long a rebalance waits for the members to rejoin (JoinGroup v0: the session timeout)
 * @param requireKnownMemberId JoinGroup v4+: a first join gets its member id with {@code MEMBER_ID_REQUIRED}
 * @param protocols            the assignors the member supports, most preferred first, each with its metadata
 */
public record ClassicJoin(String groupId, String memberId, String instanceId, String clientId, String clientHost,
                          int sessionTimeoutMs, int rebalanceTimeoutMs, String protocolType,
                          List<Protocol> protocols, boolean requireKnownMemberId) {
    /** One assignor a member supports, with its opaque metadata (the subscription, for consumers). */
    public record Protocol(String name, byte[] metadata) {
    }

    byte[] metadataOf(String protocol) {
        return protocols.stream().filter(p -> p.name().equals(protocol)).map(Protocol::metadata).findFirst()
                .orElse(new byte[0]);
    }
}
