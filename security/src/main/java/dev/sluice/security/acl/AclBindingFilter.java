package dev.sluice.security.acl;

/**
 * Selects ACLs to list or remove: every non-null field must equal the binding's; a null field matches anything. The
 * filter with every field null ({@link #ANY}) selects every ACL. Immutable.
 */
public record AclBindingFilter(ResourceType type, String name, PatternType patternType, String principal,
                               String host, AclOperation operation, AclPermission permission) {
    public static final AclBindingFilter ANY = new AclBindingFilter(null, null, null, null, null, null, null);

    /** The filter that selects exactly {@code binding}. */
    public static AclBindingFilter exactly(AclBinding binding) {
        return new AclBindingFilter(binding.pattern().type(), binding.pattern().name(),
                binding.pattern().patternType(), binding.entry().principal(), binding.entry().host(),
                binding.entry().operation(), binding.entry().permission());
    }

    public boolean matches(AclBinding binding) {
        ResourcePattern pattern = binding.pattern();
        AclEntry entry = binding.entry();
        return (type == null || type == pattern.type())
                && (name == null || name.equals(pattern.name()))
                && (patternType == null || patternType == pattern.patternType())
                && (principal == null || principal.equals(entry.principal()))
                && (host == null || host.equals(entry.host()))
                && (operation == null || operation == entry.operation())
                && (permission == null || permission == entry.permission());
    }
}
