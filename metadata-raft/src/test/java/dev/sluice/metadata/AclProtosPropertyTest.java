package dev.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.PatternType;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** ACLs and filters survive the protobuf edge: model to proto to model is the identity. */
class AclProtosPropertyTest {
    @Property(tries = 300)
    void bindingRoundTrips(@ForAll ResourceType type, @ForAll @AlphaChars @StringLength(min = 1, max = 5) String name,
                           @ForAll PatternType patternType, @ForAll @AlphaChars @StringLength(min = 1, max = 5)
                           String user, @ForAll boolean anyHost, @ForAll AclOperation operation,
                           @ForAll AclPermission permission) {
        ResourcePattern pattern = type == ResourceType.CLUSTER ? ResourcePattern.cluster()
                : new ResourcePattern(type, name, patternType);
        AclBinding binding = new AclBinding(pattern,
                new AclEntry("User:" + user, anyHost ? "*" : "10.1.2.3", operation, permission));
        assertThat(AclProtos.toModel(AclProtos.toProto(binding))).isEqualTo(binding);
        AclBindingFilter exact = AclBindingFilter.exactly(binding);
        assertThat(AclProtos.toModel(AclProtos.toProto(exact))).isEqualTo(exact);
    }

    @Property(tries = 100)
    void filterWithAnyFieldsRoundTrips(@ForAll boolean typeSet, @ForAll boolean nameSet, @ForAll boolean opSet) {
        AclBindingFilter filter = new AclBindingFilter(typeSet ? ResourceType.GROUP : null, nameSet ? "" : null,
                null, null, nameSet ? "*" : null, opSet ? AclOperation.ALL : null, null);
        assertThat(AclProtos.toModel(AclProtos.toProto(filter))).isEqualTo(filter);
    }
}
