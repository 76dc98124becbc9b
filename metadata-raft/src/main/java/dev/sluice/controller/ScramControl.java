package dev.sluice.controller;

import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.MetadataRecords;
import dev.sluice.metadata.ScramCredentialsImage;
import dev.sluice.metadata.ScramProtos;
import dev.sluice.proto.internal.v1.MetadataRecord;
import dev.sluice.proto.v1.AlterUserScramCredentialsRequest;
import dev.sluice.proto.v1.AlterUserScramCredentialsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ScramCredentialDeletion;
import dev.sluice.proto.v1.UserResult;
import dev.sluice.security.scram.ScramCredential;
import dev.sluice.security.scram.ScramMechanism;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The controller's SCRAM credential decisions, pure: which credential records an alter request commits. An
 * upsertion sets (or replaces) a user's credential of one mechanism; a malformed one is refused with
 * {@code UNACCEPTABLE_CREDENTIAL}, whose message names no key. A deletion removes the user's credential of one
 * mechanism, or of every mechanism when none is named; deleting what does not exist gets {@code RESOURCE_NOT_FOUND}.
 * Items apply in order, upsertions first, each seeing the ones before it. Who may change credentials is checked by
 * the broker that forwards the request. Stateless; the controller's thread.
 */
final class ScramControl {
    ControllerResult<AlterUserScramCredentialsResponse> alter(MetadataImage image,
                                                              AlterUserScramCredentialsRequest request) {
        ScramCredentialsImage existing = image.scram();
        Map<String, Set<ScramMechanism>> present = new HashMap<>();
        existing.users().forEach((user, credentials) -> present.put(user, EnumSet.copyOf(credentials.keySet())));
        List<MetadataRecord> records = new ArrayList<>();
        AlterUserScramCredentialsResponse.Builder response = AlterUserScramCredentialsResponse.newBuilder();
        for (dev.sluice.proto.v1.ScramCredential proto : request.getUpsertionsList()) {
            UserResult.Builder result = UserResult.newBuilder().setUser(proto.getUser());
            try {
                ScramCredential credential = ScramProtos.toModel(proto);
                records.add(MetadataRecords.scramCredential(proto.getUser(), credential));
                present.computeIfAbsent(proto.getUser(), u -> EnumSet.noneOf(ScramMechanism.class))
                        .add(credential.mechanism());
                result.setError(ErrorCode.NONE);
            } catch (IllegalArgumentException e) {
                result.setError(ErrorCode.UNACCEPTABLE_CREDENTIAL).setErrorMessage(e.getMessage());
            }
            response.addResults(result);
        }
        for (ScramCredentialDeletion deletion : request.getDeletionsList()) {
            response.addResults(delete(deletion, present, records));
        }
        return new ControllerResult<>(records, response.build());
    }

    private static UserResult delete(ScramCredentialDeletion deletion, Map<String, Set<ScramMechanism>> present,
                                     List<MetadataRecord> records) {
        UserResult.Builder result = UserResult.newBuilder().setUser(deletion.getUser());
        Set<ScramMechanism> mechanisms = present.getOrDefault(deletion.getUser(), Set.of());
        Optional<ScramMechanism> named = ScramProtos.toModel(deletion.getMechanism());
        List<ScramMechanism> removed = named.isPresent()
                ? (mechanisms.contains(named.get()) ? List.of(named.get()) : List.of())
                : List.copyOf(mechanisms);
        if (removed.isEmpty()) {
            return result.setError(ErrorCode.RESOURCE_NOT_FOUND).setErrorMessage("user " + deletion.getUser()
                    + " has no " + named.map(ScramMechanism::mechanismName).orElse("SCRAM") + " credential").build();
        }
        for (ScramMechanism mechanism : removed) {
            records.add(MetadataRecords.removeScramCredential(deletion.getUser(), mechanism));
            mechanisms.remove(mechanism);
        }
        return result.setError(ErrorCode.NONE).build();
    }

    /** Every item refused with {@code error}: no active controller, or an unknown outcome. */
    static AlterUserScramCredentialsResponse refused(AlterUserScramCredentialsRequest request, ErrorCode error,
                                                     String message) {
        AlterUserScramCredentialsResponse.Builder response = AlterUserScramCredentialsResponse.newBuilder();
        request.getUpsertionsList().forEach(u -> response.addResults(UserResult.newBuilder().setUser(u.getUser())
                .setError(error).setErrorMessage(message)));
        request.getDeletionsList().forEach(d -> response.addResults(UserResult.newBuilder().setUser(d.getUser())
                .setError(error).setErrorMessage(message)));
        return response.build();
    }
}
