package dev.sluice.controller;

import dev.sluice.proto.v1.ErrorCode;

/**
 * Answer to a broker's controlled shutdown; on {@code NONE} the broker is fenced and leads no partition that had
 * another eligible ISR member.
 */
public record ControlledShutdownReply(ErrorCode error, String errorMessage) {
    public static final ControlledShutdownReply OK = new ControlledShutdownReply(ErrorCode.NONE, "");
}
