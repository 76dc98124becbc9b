package dev.sluice.broker.replication;

import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;

/**
 * The controller's answer to an ISR change: {@code NONE} with the partition as it is once the change committed, or
 * an error ({@code FENCED_EPOCH}, {@code NOT_LEADER}, {@code NOT_CONTROLLER}, {@code INVALID_REQUEST}, ...) with the
 * partition as the controller sees it, or null. Mirrors {@code dev.sluice.controller.AlterPartitionReply}.
 */
public record AlterPartitionResult(ErrorCode error, String errorMessage, PartitionImage partition) {
}
