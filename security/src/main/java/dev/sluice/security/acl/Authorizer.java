package dev.sluice.security.acl;

import java.util.List;
import java.util.Set;

/**
 * Decides whether a principal may perform an operation on a resource, with Kafka's {@code StandardAuthorizer}
 * semantics:
 * <ol>
 *   <li>a super user ({@code super.users}) may do everything, whatever the ACLs say;</li>
 *   <li>a resource that no ACL covers (of any principal) is open to everyone if {@code allowEveryoneIfNoAclFound},
 *       and closed otherwise;</li>
 *   <li>a DENY for the principal (or {@code User:*}), the host (or {@code *}) and the operation (or ALL) refuses;</li>
 *   <li>otherwise an ALLOW that covers the operation ({@link AclOperation#allowedBy()}: READ implies DESCRIBE, ...)
 *       permits; without one the request is refused.</li>
 * </ol>
 * Pure and immutable: the ACLs come with each call (from the current metadata image); any thread.
 */
public final class Authorizer {
    private final Set<String> superUsers;
    private final boolean allowEveryoneIfNoAclFound;

    /** @param superUsers principals in {@code User:name} form */
    public Authorizer(Set<String> superUsers, boolean allowEveryoneIfNoAclFound) {
        this.superUsers = Set.copyOf(superUsers);
        this.allowEveryoneIfNoAclFound = allowEveryoneIfNoAclFound;
    }

    public Set<String> superUsers() {
        return superUsers;
    }

    /** True when {@code principal} ({@code User:name}) connecting from {@code host} may do {@code operation}. */
    public boolean authorize(Acls acls, String principal, String host, AclOperation operation, ResourceType type,
                             String name) {
        if (superUsers.contains(principal)) {
            return true;
        }
        List<AclBinding> covering = acls.matching(type, name);
        if (covering.isEmpty()) {
            return allowEveryoneIfNoAclFound;
        }
        Set<AclOperation> allowing = operation.allowedBy();
        boolean allowed = false;
        for (AclBinding binding : covering) {
            AclEntry entry = binding.entry();
            if (!entry.appliesTo(principal, host)) {
                continue;
            }
            if (entry.permission() == AclPermission.DENY) {
                if (entry.operation() == operation || entry.operation() == AclOperation.ALL) {
                    return false;
                }
            } else if (allowing.contains(entry.operation())) {
                allowed = true;
            }
        }
        return allowed;
    }
}
