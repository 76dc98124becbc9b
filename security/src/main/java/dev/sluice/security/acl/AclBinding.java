package dev.sluice.security.acl;

import java.util.Objects;

/** One ACL: an {@link AclEntry} bound to a {@link ResourcePattern}. Immutable; equal bindings are the same ACL. */
public record AclBinding(ResourcePattern pattern, AclEntry entry) {
    public AclBinding {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(entry, "entry");
    }

    @Override
    public String toString() {
        return entry.permission() + " " + entry.principal() + " " + entry.operation() + " on " + pattern.type() + " "
                + pattern.patternType() + " '" + pattern.name() + "' from " + entry.host();
    }
}
