package dev.sluice.metadata;

import dev.sluice.proto.v1.AclOperation;
import dev.sluice.proto.v1.AclPatternType;
import dev.sluice.proto.v1.AclPermission;
import dev.sluice.proto.v1.AclResourceType;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.InvalidAclException;
import dev.sluice.security.acl.PatternType;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;

/**
 * Converts ACLs between the protobuf messages of {@code sluice/v1/acl.proto} (on the wire and in the metadata log)
 * and the security module's model. The protobuf enums' 0 value means "any": allowed in filters, refused with
 * {@link InvalidAclException} in an ACL, as is a value this node does not know. Stateless; any thread.
 */
public final class AclProtos {
    private AclProtos() {
    }

    public static AclBinding toModel(dev.sluice.proto.v1.AclBinding proto) {
        ResourceType type = resourceType(proto.getResourceTypeValue());
        PatternType patternType = patternType(proto.getPatternTypeValue());
        dev.sluice.security.acl.AclOperation operation = operation(proto.getOperationValue());
        dev.sluice.security.acl.AclPermission permission = permission(proto.getPermissionValue());
        if (type == null || patternType == null || operation == null || permission == null) {
            throw new InvalidAclException("an ACL needs a resource type, pattern type, operation and permission "
                    + "(not 'any'): " + proto.toString().replace('\n', ' '));
        }
        String host = proto.getHost().isEmpty() ? AclEntry.ANY_HOST : proto.getHost();
        return new AclBinding(new ResourcePattern(type, proto.getResourceName(), patternType),
                new AclEntry(proto.getPrincipal(), host, operation, permission));
    }

    public static dev.sluice.proto.v1.AclBinding toProto(AclBinding binding) {
        return dev.sluice.proto.v1.AclBinding.newBuilder()
                .setResourceType(AclResourceType.forNumber(binding.pattern().type().ordinal() + 1))
                .setResourceName(binding.pattern().name())
                .setPatternType(AclPatternType.forNumber(binding.pattern().patternType().ordinal() + 1))
                .setPrincipal(binding.entry().principal()).setHost(binding.entry().host())
                .setOperation(AclOperation.forNumber(binding.entry().operation().ordinal() + 1))
                .setPermission(AclPermission.forNumber(binding.entry().permission().ordinal() + 1)).build();
    }

    public static AclBindingFilter toModel(dev.sluice.proto.v1.AclBindingFilter proto) {
        return new AclBindingFilter(resourceType(proto.getResourceTypeValue()),
                proto.hasResourceName() ? proto.getResourceName() : null, patternType(proto.getPatternTypeValue()),
                proto.hasPrincipal() ? proto.getPrincipal() : null, proto.hasHost() ? proto.getHost() : null,
                operation(proto.getOperationValue()), permission(proto.getPermissionValue()));
    }

    public static dev.sluice.proto.v1.AclBindingFilter toProto(AclBindingFilter filter) {
        dev.sluice.proto.v1.AclBindingFilter.Builder proto = dev.sluice.proto.v1.AclBindingFilter.newBuilder();
        if (filter.type() != null) {
            proto.setResourceType(AclResourceType.forNumber(filter.type().ordinal() + 1));
        }
        if (filter.name() != null) {
            proto.setResourceName(filter.name());
        }
        if (filter.patternType() != null) {
            proto.setPatternType(AclPatternType.forNumber(filter.patternType().ordinal() + 1));
        }
        if (filter.principal() != null) {
            proto.setPrincipal(filter.principal());
        }
        if (filter.host() != null) {
            proto.setHost(filter.host());
        }
        if (filter.operation() != null) {
            proto.setOperation(AclOperation.forNumber(filter.operation().ordinal() + 1));
        }
        if (filter.permission() != null) {
            proto.setPermission(AclPermission.forNumber(filter.permission().ordinal() + 1));
        }
        return proto.build();
    }

    /** Null for "any"; the enums list the model's values in its order after "any". */
    private static ResourceType resourceType(int number) {
        return fromNumber(ResourceType.values(), number, "resource type");
    }

    private static PatternType patternType(int number) {
        return fromNumber(PatternType.values(), number, "pattern type");
    }

    private static dev.sluice.security.acl.AclOperation operation(int number) {
        return fromNumber(dev.sluice.security.acl.AclOperation.values(), number, "operation");
    }

    private static dev.sluice.security.acl.AclPermission permission(int number) {
        return fromNumber(dev.sluice.security.acl.AclPermission.values(), number, "permission");
    }

    private static <E> E fromNumber(E[] values, int number, String what) {
        if (number == 0) {
            return null;
        }
        if (number < 0 || number > values.length) {
            throw new InvalidAclException("unknown ACL " + what + " number " + number);
        }
        return values[number - 1];
    }
}
