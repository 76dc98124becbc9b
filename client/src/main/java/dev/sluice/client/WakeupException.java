package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/** Thrown by a blocked {@link Consumer#poll} after another thread called {@link Consumer#wakeup()}. */
public class WakeupException extends SluiceException {
    public WakeupException() {
        super(ErrorCode.NONE, "consumer woken up");
    }
}
