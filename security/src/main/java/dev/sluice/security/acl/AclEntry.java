package dev.sluice.security.acl;

import java.util.Objects;

/**
 * Who may or may not do what, from where: a principal ({@code User:alice}, or {@code User:*} for everyone), a host
 * (an IP address, or {@value #ANY_HOST}), an operation and a permission. Immutable.
 */
public record AclEntry(String principal, String host, AclOperation operation, AclPermission permission) {
    public static final String ANY_HOST = "*";
    /** The ACL principal that matches every principal. */
    public static final String ANY_PRINCIPAL = "User:*";

    public AclEntry {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
        checkPrincipal(principal);
        if (host == null || host.isEmpty()) {
            throw new InvalidAclException("an ACL needs a host ('" + ANY_HOST + "' for any)");
        }
    }

    /** Checks the {@code Type:name} form of an ACL principal. */
    public static void checkPrincipal(String principal) {
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            throw new InvalidAclException("an ACL principal has the form 'User:name', not '" + principal + "'");
        }
    }

    /** True when this entry applies to {@code requester} connecting from {@code requesterHost}. */
    public boolean appliesTo(String requester, String requesterHost) {
        return (principal.equals(requester) || principal.equals(ANY_PRINCIPAL))
                && (host.equals(ANY_HOST) || host.equals(requesterHost));
    }
}
