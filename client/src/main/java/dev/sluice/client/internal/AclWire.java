package dev.sluice.client.internal;

import dev.sluice.proto.v1.AclOperation;
import dev.sluice.proto.v1.AclPatternType;
import dev.sluice.proto.v1.AclPermission;
import dev.sluice.proto.v1.AclResourceType;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.PatternType;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;

/**
 * ACLs between the model ({@code dev.sluice.security.acl}) and acl.proto, for the Admin client. The proto enums list
 * the model's values in the model's order after their "any" value (0), as the broker's {@code AclProtos} relies on
 * too. Stateless.
 */
public final class AclWire {
    private AclWire() {
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

    public static AclBinding toModel(dev.sluice.proto.v1.AclBinding proto) {
        return new AclBinding(new ResourcePattern(ResourceType.values()[proto.getResourceTypeValue() - 1],
                proto.getResourceName(), PatternType.values()[proto.getPatternTypeValue() - 1]),
                new AclEntry(proto.getPrincipal(), proto.getHost().isEmpty() ? AclEntry.ANY_HOST : proto.getHost(),
                        dev.sluice.security.acl.AclOperation.values()[proto.getOperationValue() - 1],
                        dev.sluice.security.acl.AclPermission.values()[proto.getPermissionValue() - 1]));
    }

    public static dev.sluice.proto.v1.AclBindingFilter toProto(AclBindingFilter filter) {
        dev.sluice.proto.v1.AclBindingFilter.Builder proto = dev.sluice.proto.v1.AclBindingFilter.newBuilder();
        if (filter.type() != null) {
            proto.setResourceTypeValue(filter.type().ordinal() + 1);
        }
        if (filter.name() != null) {
            proto.setResourceName(filter.name());
        }
        if (filter.patternType() != null) {
            proto.setPatternTypeValue(filter.patternType().ordinal() + 1);
        }
        if (filter.principal() != null) {
            proto.setPrincipal(filter.principal());
        }
        if (filter.host() != null) {
            proto.setHost(filter.host());
        }
        if (filter.operation() != null) {
            proto.setOperationValue(filter.operation().ordinal() + 1);
        }
        if (filter.permission() != null) {
            proto.setPermissionValue(filter.permission().ordinal() + 1);
        }
        return proto.build();
    }
}
