package dev.sluice.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.proto.v1.AlterUserScramCredentialsRequest;
import dev.sluice.proto.v1.AlterUserScramCredentialsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ScramCredential;
import dev.sluice.proto.v1.ScramCredentialDeletion;
import dev.sluice.proto.v1.ScramMechanism;
import dev.sluice.proto.v1.UserResult;
import org.junit.jupiter.api.Test;

class ScramControlTest {
    private final ScramControl control = new ScramControl();

    private static ScramCredential credential(String user, ScramMechanism mechanism, int iterations) {
        return ScramCredential.newBuilder().setUser(user).setMechanism(mechanism).setIterations(iterations)
                .setSalt(ByteString.copyFromUtf8("salt")).setStoredKey(ByteString.copyFromUtf8("stored-key"))
                .setServerKey(ByteString.copyFromUtf8("server-key")).build();
    }

    private static MetadataImage apply(MetadataImage image, ControllerResult<?> result) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(result.records());
        return delta.apply(image.offset() + 1);
    }

    @Test
    void upsertsReplaceAndDeletesRemoveEveryMechanismOrOne() {
        ControllerResult<AlterUserScramCredentialsResponse> created = control.alter(MetadataImage.EMPTY,
                AlterUserScramCredentialsRequest.newBuilder()
                        .addUpsertions(credential("alice", ScramMechanism.SCRAM_SHA_256, 4096))
                        .addUpsertions(credential("alice", ScramMechanism.SCRAM_SHA_512, 4096))
                        .addUpsertions(credential("bob", ScramMechanism.SCRAM_SHA_256, 100))
                        .addUpsertions(credential("carol", ScramMechanism.SCRAM_MECHANISM_UNSPECIFIED, 4096))
                        .build());
        assertThat(created.response().getResultsList()).extracting(UserResult::getError).containsExactly(
                ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNACCEPTABLE_CREDENTIAL, ErrorCode.UNACCEPTABLE_CREDENTIAL);
        assertThat(created.response().getResults(2).getErrorMessage()).contains("4096")
                .doesNotContain("stored-key", "server-key");
        MetadataImage image = apply(MetadataImage.EMPTY, created);
        assertThat(image.scram().users()).containsOnlyKeys("alice");

        ControllerResult<AlterUserScramCredentialsResponse> replaced = control.alter(image,
                AlterUserScramCredentialsRequest.newBuilder()
                        .addUpsertions(credential("alice", ScramMechanism.SCRAM_SHA_256, 8192)).build());
        image = apply(image, replaced);
        assertThat(image.scram().credential("alice", dev.sluice.security.scram.ScramMechanism.SCRAM_SHA_256))
                .hasValueSatisfying(c -> assertThat(c.iterations()).isEqualTo(8192));

        ControllerResult<AlterUserScramCredentialsResponse> deleted = control.alter(image,
                AlterUserScramCredentialsRequest.newBuilder()
                        .addDeletions(ScramCredentialDeletion.newBuilder().setUser("alice")
                                .setMechanism(ScramMechanism.SCRAM_SHA_512))
                        .addDeletions(ScramCredentialDeletion.newBuilder().setUser("alice")
                                .setMechanism(ScramMechanism.SCRAM_SHA_512))
                        .addDeletions(ScramCredentialDeletion.newBuilder().setUser("alice"))
                        .addDeletions(ScramCredentialDeletion.newBuilder().setUser("nobody"))
                        .build());
        assertThat(deleted.response().getResultsList()).extracting(UserResult::getError).containsExactly(
                ErrorCode.NONE, ErrorCode.RESOURCE_NOT_FOUND, ErrorCode.NONE, ErrorCode.RESOURCE_NOT_FOUND);
        assertThat(apply(image, deleted).scram().isEmpty()).isTrue();
    }
}
