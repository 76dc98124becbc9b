package dev.sluice.metadata;

import dev.sluice.proto.internal.v1.AclRecord;
import dev.sluice.proto.internal.v1.RemoveAclRecord;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.Acls;
import dev.sluice.security.acl.InvalidAclException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * ACL changes on top of an {@link AclsImage}. Adding an ACL that exists or removing one that does not breaks the
 * log's invariant (the controller writes neither) and throws {@link IllegalStateException}, as does a malformed ACL.
 * Mutable; owned by the thread replaying records.
 */
public final class AclsDelta {
    private final AclsImage base;
    private Set<AclBinding> bindings;

    AclsDelta(AclsImage base) {
        this.base = base;
    }

    /** True when this delta added or removed an ACL. */
    public boolean changed() {
        return bindings != null;
    }

    /** The ACLs as of the records replayed so far. */
    public Set<AclBinding> bindings() {
        return bindings == null ? base.acls().bindings() : bindings;
    }

    void replay(AclRecord record) {
        AclBinding binding = parse(record.getBinding());
        if (!mutable().add(binding)) {
            throw new IllegalStateException("ACL record for an ACL that exists: " + binding);
        }
    }

    void replay(RemoveAclRecord record) {
        AclBinding binding = parse(record.getBinding());
        if (!mutable().remove(binding)) {
            throw new IllegalStateException("remove-ACL record for an ACL that does not exist: " + binding);
        }
    }

    private Set<AclBinding> mutable() {
        if (bindings == null) {
            bindings = new LinkedHashSet<>(base.acls().bindings());
        }
        return bindings;
    }

    private static AclBinding parse(dev.sluice.proto.v1.AclBinding proto) {
        try {
            return AclProtos.toModel(proto);
        } catch (InvalidAclException e) {
            throw new IllegalStateException("malformed ACL in the metadata log: " + e.getMessage(), e);
        }
    }

    AclsImage apply() {
        return bindings == null ? base : new AclsImage(Acls.of(bindings));
    }
}
