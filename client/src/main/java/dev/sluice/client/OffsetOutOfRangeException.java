package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * A consumer position is outside the partition's log and {@code auto.offset.reset} is {@code none},
 * or an explicit offset lookup found nothing.
 */
public class OffsetOutOfRangeException extends SluiceException {
    public OffsetOutOfRangeException(String message) {
        super(ErrorCode.OFFSET_OUT_OF_RANGE, message);
    }
}
