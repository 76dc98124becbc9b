package dev.sluice.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.MetadataDelta;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.proto.v1.AlterClientQuotasRequest;
import dev.sluice.proto.v1.AlterClientQuotasResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.QuotaAlteration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaControlTest {
    private final QuotaControl control = new QuotaControl();

    private static dev.sluice.proto.v1.QuotaEntity.Builder user(String user) {
        return dev.sluice.proto.v1.QuotaEntity.newBuilder().setUser(user);
    }

    private static MetadataImage apply(MetadataImage image, ControllerResult<?> result) {
        MetadataDelta delta = new MetadataDelta(image);
        delta.replayAll(result.records());
        return delta.apply(image.offset() + 1);
    }

    private static List<ErrorCode> errors(ControllerResult<AlterClientQuotasResponse> result) {
        return result.response().getResultsList().stream().map(r -> r.getError()).toList();
    }

    @Test
    void setsReplacesAndRemovesKeys() {
        ControllerResult<AlterClientQuotasResponse> set = control.alter(MetadataImage.EMPTY, AlterClientQuotasRequest
                .newBuilder().addAlterations(QuotaAlteration.newBuilder().setEntity(user("alice"))
                        .putSet("producer_byte_rate", 1024).putSet("request_percentage", 12.5))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(dev.sluice.proto.v1.QuotaEntity.newBuilder()
                        .setUser(QuotaEntity.DEFAULT).setClientId("app")).putSet("consumer_byte_rate", 4096))
                .build());
        assertThat(errors(set)).containsExactly(ErrorCode.NONE, ErrorCode.NONE);
        MetadataImage image = apply(MetadataImage.EMPTY, set);
        assertThat(image.quotas().entries()).containsEntry(QuotaEntity.user("alice"),
                Map.of(QuotaKey.PRODUCER_BYTE_RATE, 1024.0, QuotaKey.REQUEST_PERCENTAGE, 12.5));
        assertThat(image.quotas().value(new QuotaEntity(QuotaEntity.DEFAULT, "app"), QuotaKey.CONSUMER_BYTE_RATE))
                .isEqualTo(4096.0);

        ControllerResult<AlterClientQuotasResponse> change = control.alter(image, AlterClientQuotasRequest.newBuilder()
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("alice"))
                        .putSet("producer_byte_rate", 2048).addRemove("request_percentage")
                        .addRemove("consumer_byte_rate")).build());
        assertThat(errors(change)).containsExactly(ErrorCode.NONE);
        assertThat(change.records()).as("removing a key that is not set writes nothing").hasSize(2);
        image = apply(image, change);
        assertThat(image.quotas().entries().get(QuotaEntity.user("alice")))
                .isEqualTo(Map.of(QuotaKey.PRODUCER_BYTE_RATE, 2048.0));

        ControllerResult<AlterClientQuotasResponse> removeAll = control.alter(image, AlterClientQuotasRequest
                .newBuilder().addAlterations(QuotaAlteration.newBuilder().setEntity(user("alice"))
                        .addRemove("producer_byte_rate")).build());
        assertThat(apply(image, removeAll).quotas().entries()).doesNotContainKey(QuotaEntity.user("alice"));
    }

    @Test
    void aMalformedAlterationChangesNothingOfItsOwn() {
        AlterClientQuotasRequest request = AlterClientQuotasRequest.newBuilder()
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("a"))
                        .putSet("producer_byte_rate", 100).putSet("producer_bytes_rate", 100))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("b")).putSet("consumer_byte_rate", -1))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("c")).putSet("consumer_byte_rate", 1.5))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("d")).putSet("request_percentage", 0))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(dev.sluice.proto.v1.QuotaEntity.newBuilder())
                        .putSet("producer_byte_rate", 100))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("")).putSet("producer_byte_rate", 100))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("e")).putSet("producer_byte_rate", 100)
                        .addRemove("producer_byte_rate"))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("f")).addRemove("bogus"))
                .addAlterations(QuotaAlteration.newBuilder().setEntity(user("g")).putSet("request_percentage", 250))
                .build();
        ControllerResult<AlterClientQuotasResponse> result = control.alter(MetadataImage.EMPTY, request);
        assertThat(errors(result)).containsExactly(ErrorCode.INVALID_QUOTA, ErrorCode.INVALID_QUOTA,
                ErrorCode.INVALID_QUOTA, ErrorCode.INVALID_QUOTA, ErrorCode.INVALID_QUOTA, ErrorCode.INVALID_QUOTA,
                ErrorCode.INVALID_QUOTA, ErrorCode.INVALID_QUOTA, ErrorCode.NONE);
        assertThat(result.response().getResults(0).getErrorMessage())
                .contains("unknown quota key 'producer_bytes_rate'");
        assertThat(result.response().getResults(1).getErrorMessage()).contains("must be above 0");
        assertThat(result.response().getResults(2).getErrorMessage()).contains("whole number");
        assertThat(apply(MetadataImage.EMPTY, result).quotas().entries().keySet())
                .containsExactly(QuotaEntity.user("g"));
    }

    @Test
    void validateOnlyWritesNothing() {
        ControllerResult<AlterClientQuotasResponse> result = control.alter(MetadataImage.EMPTY,
                AlterClientQuotasRequest.newBuilder().setValidateOnly(true).addAlterations(QuotaAlteration
                        .newBuilder().setEntity(user("a")).putSet("producer_byte_rate", 100)).build());
        assertThat(errors(result)).containsExactly(ErrorCode.NONE);
        assertThat(result.records()).isEmpty();
    }
}
