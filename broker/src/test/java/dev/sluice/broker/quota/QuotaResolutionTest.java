package dev.sluice.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.metadata.QuotasImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kafka's precedence of quota entities, and whose budget a match is measured against. */
class QuotaResolutionTest {
    private static final String D = QuotaEntity.DEFAULT;
    private static final QuotaKey KEY = QuotaKey.PRODUCER_BYTE_RATE;

    /** Most specific first; removing each in turn must hand the client to the next. */
    private static final List<QuotaEntity> PRECEDENCE = List.of(new QuotaEntity("alice", "app"),
            new QuotaEntity("alice", D), QuotaEntity.user("alice"), new QuotaEntity(D, "app"), new QuotaEntity(D, D),
            QuotaEntity.user(D), QuotaEntity.client("app"), QuotaEntity.client(D));

    @Test
    void theMostSpecificEntityWins() {
        List<QuotaEntity> configured = new ArrayList<>(PRECEDENCE);
        while (!configured.isEmpty()) {
            QuotaResolution.Match match = QuotaResolution.resolve(image(configured), KEY, "alice", "app");
            assertThat(match.entity()).isEqualTo(configured.get(0));
            assertThat(match.value()).isEqualTo(PRECEDENCE.indexOf(configured.get(0)) + 1.0);
            configured.remove(0);
        }
        assertThat(QuotaResolution.resolve(image(configured), KEY, "alice", "app")).isNull();
    }

    @Test
    void otherUsersAndClientsFallToTheDefaults() {
        QuotasImage quotas = image(PRECEDENCE);
        assertThat(QuotaResolution.resolve(quotas, KEY, "bob", "app").entity()).isEqualTo(new QuotaEntity(D, "app"));
        assertThat(QuotaResolution.resolve(quotas, KEY, "bob", "other").entity()).isEqualTo(new QuotaEntity(D, D));
        assertThat(QuotaResolution.resolve(image(List.of(QuotaEntity.client("app"), QuotaEntity.client(D))), KEY,
                "bob", "").entity()).as("no client id: only the defaults can match").isEqualTo(QuotaEntity.client(D));
        assertThat(QuotaResolution.resolve(quotas, QuotaKey.CONSUMER_BYTE_RATE, "alice", "app"))
                .as("keys resolve independently").isNull();
    }

    @Test
    void aNamedEntityIsOneBudgetAndADefaultOnePerName() {
        QuotasImage quotas = image(List.of(QuotaEntity.user("alice"), QuotaEntity.user(D)));
        assertThat(QuotaResolution.resolve(quotas, KEY, "alice", "a").sensorKey())
                .isEqualTo(QuotaResolution.resolve(quotas, KEY, "alice", "b").sensorKey())
                .isEqualTo(QuotaEntity.user("alice"));
        assertThat(QuotaResolution.resolve(quotas, KEY, "bob", "a").sensorKey()).isEqualTo(QuotaEntity.user("bob"));
        assertThat(QuotaResolution.resolve(quotas, KEY, "carol", "a").sensorKey()).isEqualTo(QuotaEntity.user("carol"));
        QuotasImage perClient = image(List.of(QuotaEntity.client(D)));
        assertThat(QuotaResolution.resolve(perClient, KEY, "alice", "a").sensorKey())
                .isEqualTo(QuotaEntity.client("a"));
    }

    private static QuotasImage image(List<QuotaEntity> entities) {
        Map<QuotaEntity, Map<QuotaKey, Double>> entries = new LinkedHashMap<>();
        for (QuotaEntity entity : entities) {
            entries.put(entity, Map.of(KEY, PRECEDENCE.indexOf(entity) + 1.0));
        }
        return new QuotasImage(entries);
    }
}
