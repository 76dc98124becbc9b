package dev.sluice.security.acl;

/** Whether an ACL allows or denies its operation. A matching DENY always wins over an ALLOW. */
public enum AclPermission {
    ALLOW,
    DENY
}
