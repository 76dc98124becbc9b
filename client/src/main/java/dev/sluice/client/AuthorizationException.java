package dev.sluice.client;

import dev.sluice.proto.v1.ErrorCode;

/**
 * The broker refused the request: the client's principal lacks an ACL for it ({@code TOPIC_AUTHORIZATION_FAILED},
 * {@code GROUP_AUTHORIZATION_FAILED}, {@code CLUSTER_AUTHORIZATION_FAILED}, {@code
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED}; {@link #errorCode()} says which). Not retriable: nothing was changed, and the
 * answer stays the same until an administrator adds the ACL.
 */
public class AuthorizationException extends SluiceException {
    public AuthorizationException(ErrorCode code, String message) {
        super(code, message);
    }
}
