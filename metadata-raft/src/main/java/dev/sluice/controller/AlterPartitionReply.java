package dev.sluice.controller;

import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;

/**
 * Answer to a leader's ISR change: on success the partition as it is once the change commits (its new partition
 * epoch); on an error the partition as the controller sees it (a hint to refresh), or null when it does not exist.
 */
public record AlterPartitionReply(ErrorCode error, String errorMessage, PartitionImage partition) {
}
