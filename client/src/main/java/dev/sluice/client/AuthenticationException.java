package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * The broker refused the client's identity: the SCRAM exchange failed (unknown user or wrong password; the broker
 * does not say which), or the broker requires authentication and the client has neither a client certificate nor
 * SCRAM credentials ({@code sasl.mechanism}, {@code sasl.username}, {@code sasl.password}). Not retriable.
 */
public class AuthenticationException extends SluiceException {
    public AuthenticationException(String message, Throwable cause) {
        super(ErrorCode.SASL_AUTHENTICATION_FAILED, message, cause);
    }
}
