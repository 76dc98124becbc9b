package dev.sluice.security.acl;

/** An ACL or ACL filter that is malformed (empty principal, unknown operation, ...): the caller's mistake. */
public final class InvalidAclException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidAclException(String message) {
        super(message);
    }
}
