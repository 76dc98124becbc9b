package dev.sluice.metadata;

import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.Acls;
import java.util.Objects;

/**
 * The ACLs in force, indexed for the authorizer ({@link Acls}); rebuilt only when an ACL record changes them, so the
 * index is computed once per change, not per request. Immutable; any thread.
 */
public record AclsImage(Acls acls) {
    public static final AclsImage EMPTY = new AclsImage(Acls.EMPTY);

    public AclsImage {
        Objects.requireNonNull(acls, "acls");
    }

    public boolean isEmpty() {
        return acls.bindings().isEmpty();
    }

    public void write(ImageWriter writer) {
        for (AclBinding binding : acls.bindings()) {
            writer.write(MetadataRecords.acl(binding));
        }
    }
}
