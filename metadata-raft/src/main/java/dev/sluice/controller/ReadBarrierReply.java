package dev.sluice.controller;

import dev.sluice.proto.v1.ErrorCode;

/**
 * Answer to a read barrier: {@code offset} is the offset of a committed entry that the active controller appended
 * after the request arrived, so every change acknowledged before then is at a lower offset. -1 unless
 * {@code error} is {@code NONE}.
 */
public record ReadBarrierReply(ErrorCode error, String errorMessage, long offset) {
    public static ReadBarrierReply error(ErrorCode error, String message) {
        return new ReadBarrierReply(error, message, -1);
    }
}
