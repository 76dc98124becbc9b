package dev.sluice.broker.group.classic;

import java.util.Map;

/**
 * A SyncGroup request: the leader sends every member's assignment, followers none.
 *
 * @param protocolType empty or null when the client does not send it (SyncGroup before v5)
 * @param protocolName likewise
 */
public record ClassicSync(String groupId, String memberId, String instanceId, int generation, String protocolType,
                          String protocolName, Map<String, byte[]> assignments) {
}
