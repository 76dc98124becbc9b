package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionKey;

/**
 * How far this broker's replica of a partition it follows is behind the leader, as of the leader's last answer.
 *
 * @param records the leader's log end minus this replica's, -1 before the leader first answered
 * @param lastCaughtUpMs when this replica last had the leader's log end (epoch milliseconds); when it began following
 *     if it never had
 */
public record FollowerLag(PartitionKey key, long records, long lastCaughtUpMs) {
}
