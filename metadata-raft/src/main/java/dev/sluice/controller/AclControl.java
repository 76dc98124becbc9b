package dev.sluice.controller;

import dev.sluice.metadata.AclProtos;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.AclResult;
import dev.sluice.proto.v1.CreateAclsRequest;
import dev.sluice.proto.v1.CreateAclsResponse;
import dev.sluice.proto.v1.DeleteAclsFilterResult;
import dev.sluice.proto.v1.DeleteAclsRequest;
import dev.sluice.proto.v1.DeleteAclsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.security.acl.AclBinding;
import dev.sluice.security.acl.AclBindingFilter;
import dev.sluice.security.acl.InvalidAclException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The controller's ACL decisions, pure: which ACL records a create or delete request commits. Creating an ACL that
 * exists (or twice in one request) succeeds without a record; a malformed ACL or filter gets {@code INVALID_ACL}
 * and the request's other items go on. A delete removes every ACL its filter matches and reports them; an ACL
 * matched by two filters of one request is removed (and reported) once, by the first. Who may change ACLs is checked
 * by the broker that forwards the request. Stateless; the controller's thread.
 */
final class AclControl {
    ControllerResult<CreateAclsResponse> createAcls(MetadataImage image, CreateAclsRequest request) {
        Set<AclBinding> existing = image.acls().acls().bindings();
        Set<AclBinding> added = new HashSet<>();
        List<MetadataRecord> records = new ArrayList<>();
        CreateAclsResponse.Builder response = CreateAclsResponse.newBuilder();
        for (dev.sluice.proto.v1.AclBinding proto : request.getCreationsList()) {
            AclBinding binding;
            try {
                binding = AclProtos.toModel(proto);
            } catch (InvalidAclException e) {
                response.addResults(AclResult.newBuilder().setError(ErrorCode.INVALID_ACL)
                        .setErrorMessage(e.getMessage()));
                continue;
            }
            if (!existing.contains(binding) && added.add(binding)) {
                records.add(MetadataRecords.acl(binding));
            }
            response.addResults(AclResult.newBuilder().setError(ErrorCode.NONE));
        }
        return new ControllerResult<>(records, response.build());
    }

    ControllerResult<DeleteAclsResponse> deleteAcls(MetadataImage image, DeleteAclsRequest request) {
        Set<AclBinding> remaining = new LinkedHashSet<>(image.acls().acls().bindings());
        List<MetadataRecord> records = new ArrayList<>();
        DeleteAclsResponse.Builder response = DeleteAclsResponse.newBuilder();
        for (dev.sluice.proto.v1.AclBindingFilter proto : request.getFiltersList()) {
            AclBindingFilter filter;
            try {
                filter = AclProtos.toModel(proto);
            } catch (InvalidAclException e) {
                response.addResults(DeleteAclsFilterResult.newBuilder().setError(ErrorCode.INVALID_ACL)
                        .setErrorMessage(e.getMessage()));
                continue;
            }
            DeleteAclsFilterResult.Builder result = DeleteAclsFilterResult.newBuilder().setError(ErrorCode.NONE);
            List<AclBinding> matched = remaining.stream().filter(filter::matches).toList();
            for (AclBinding binding : matched) {
                remaining.remove(binding);
                records.add(MetadataRecords.removeAcl(binding));
                result.addDeleted(AclProtos.toProto(binding));
            }
            response.addResults(result);
        }
        return new ControllerResult<>(records, response.build());
    }

    /** Every creation refused with {@code error}: no active controller, or an unknown outcome. */
    static CreateAclsResponse refusedCreations(int count, ErrorCode error, String message) {
        CreateAclsResponse.Builder response = CreateAclsResponse.newBuilder();
        for (int i = 0; i < count; i++) {
            response.addResults(AclResult.newBuilder().setError(error).setErrorMessage(message));
        }
        return response.build();
    }

    static DeleteAclsResponse refusedDeletions(int count, ErrorCode error, String message) {
        DeleteAclsResponse.Builder response = DeleteAclsResponse.newBuilder();
        for (int i = 0; i < count; i++) {
            response.addResults(DeleteAclsFilterResult.newBuilder().setError(error).setErrorMessage(message));
        }
        return response.build();
    }
}
