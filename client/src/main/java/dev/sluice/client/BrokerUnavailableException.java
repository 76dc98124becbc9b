package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * A broker could not be reached (gRPC status UNAVAILABLE: connection refused, unknown host, reset).
 * No broker answered, so the error code is {@link ErrorCode#UNKNOWN_SERVER_ERROR}; the message names
 * the address on one line.
 */
public class BrokerUnavailableException extends RetriableException {
    private final String address;

    public BrokerUnavailableException(String address, Throwable cause) {
        super(ErrorCode.UNKNOWN_SERVER_ERROR, "broker " + address + " is unreachable", cause);
        this.address = address;
    }

    /** The {@code host:port} that could not be reached. */
    public String address() {
        return address;
    }
}
