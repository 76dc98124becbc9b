package dev.sluice.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.metadata.AclProtos;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.proto.v1.AclBindingFilter;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclEntry;
import dev.sluice.security.acl.AclOperation;
import dev.sluice.security.acl.AclPermission;
import dev.sluice.security.acl.ResourcePattern;
import dev.sluice.security.acl.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclControlTest {
    private final AclControl control = new AclControl();
    private static final AclBinding READ_ORDERS = binding("orders", "User:alice", AclOperation.READ);
    private static final AclBinding WRITE_ORDERS = binding("orders", "User:bob", AclOperation.WRITE);

    private static AclBinding binding(String topic, String principal, AclOperation operation) {
        return new AclBinding(ResourcePattern.literal(ResourceType.TOPIC, topic),
                new AclEntry(principal, "*", operation, AclPermission.ALLOW));
    }

    private static MetadataImage apply(MetadataImage image, ControllerResult<?> result) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(result.records());
        return delta.apply(image.offset() + 1);
    }

    @Test
    void createsEachNewAclOnceAndRefusesMalformedOnesAlone() {
        CreateAclsRequest request = CreateAclsRequest.newBuilder()
                .addCreations(AclProtos.toProto(READ_ORDERS))
                .addCreations(AclProtos.toProto(READ_ORDERS))
                .addCreations(AclProtos.toProto(READ_ORDERS).toBuilder().setPrincipal("alice"))
                .addCreations(AclProtos.toProto(WRITE_ORDERS).toBuilder().clearOperation())
                .addCreations(AclProtos.toProto(WRITE_ORDERS).toBuilder().setHost("")).build();
        ControllerResult<CreateAclsResponse> result = control.createAcls(MetadataImage.EMPTY, request);
        assertThat(result.response().getResultsList()).extracting(r -> r.getError()).containsExactly(
                ErrorCode.NONE, ErrorCode.NONE, ErrorCode.INVALID_ACL, ErrorCode.INVALID_ACL, ErrorCode.NONE);
        assertThat(result.records()).hasSize(2);
        MetadataImage image = apply(MetadataImage.EMPTY, result);
        assertThat(image.acls().acls().bindings()).containsExactlyInAnyOrder(READ_ORDERS, WRITE_ORDERS);
        // Creating them again is a success that commits nothing.
        ControllerResult<CreateAclsResponse> again = control.createAcls(image, request);
        assertThat(again.records()).isEmpty();
    }

    @Test
    void deleteRemovesWhatEachFilterMatchesOnce() {
        MetadataImage image = apply(MetadataImage.EMPTY, control.createAcls(MetadataImage.EMPTY,
                CreateAclsRequest.newBuilder().addCreations(AclProtos.toProto(READ_ORDERS))
                        .addCreations(AclProtos.toProto(WRITE_ORDERS))
                        .addCreations(AclProtos.toProto(binding("other", "User:alice", AclOperation.READ))).build()));
        DeleteAclsRequest request = DeleteAclsRequest.newBuilder()
                .addFilters(AclBindingFilter.newBuilder().setResourceName("orders"))
                .addFilters(AclBindingFilter.newBuilder().setPrincipal("User:bob"))
                .addFilters(AclBindingFilter.newBuilder().setOperationValue(99)).build();
        ControllerResult<DeleteAclsResponse> result = control.deleteAcls(image, request);
        assertThat(result.response().getResults(0).getDeletedList()).hasSize(2);
        assertThat(result.response().getResults(1).getDeletedList()).isEmpty();
        assertThat(result.response().getResults(2).getError()).isEqualTo(ErrorCode.INVALID_ACL);
        MetadataImage after = apply(image, result);
        assertThat(after.acls().acls().bindings())
                .containsExactly(binding("other", "User:alice", AclOperation.READ));
    }

    @Test
    void replayRefusesDuplicateAddsAndMissingRemoves() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(MetadataRecords.acl(READ_ORDERS));
        assertThatThrownBy(() -> delta.replay(MetadataRecords.acl(READ_ORDERS)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> delta.replay(MetadataRecords.removeAcl(WRITE_ORDERS)))
                .isInstanceOf(IllegalStateException.class);
        delta.replay(MetadataRecords.removeAcl(READ_ORDERS));
        assertThat(delta.apply(0).acls().isEmpty()).isTrue();
        assertThat(List.of(delta.aclsDelta().changed())).containsExactly(true);
    }
}
