package dev.sluice.broker.quota;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.QuotaEntity;
import dev.sluice.metadata.QuotaKey;
import dev.sluice.metadata.QuotasImage;
import dev.sluice.testing.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link ClientQuotas} over a quotas image that changes, with a fake clock. */
class ClientQuotasTest {
    private final FakeClock clock = new FakeClock(0);
    private final AtomicReference<QuotasImage> image = new AtomicReference<>(QuotasImage.EMPTY);
    private final List<String> events = new ArrayList<>();
    private final ClientQuotas quotas = new ClientQuotas(image::get, clock, new ClientQuotas.Listener() {
        @Override
        public void throttled(QuotaKey key, QuotaEntity entity, long throttleMs) {
            events.add(key.keyName() + " " + entity + " " + throttleMs);
        }
    });
    private final ClientQuotas.Client alice = new ClientQuotas.Client("alice", "app");

    @Test
    void noQuotaNoThrottle() {
        assertThat(quotas.active()).isFalse();
        assertThat(quotas.record(QuotaKey.PRODUCER_BYTE_RATE, alice, 1e9)).isZero();
        assertThat(quotas.remainingThrottleMs(QuotaKey.PRODUCER_BYTE_RATE, alice)).isZero();
    }

    @Test
    void overTheQuotaIsThrottledAndHeldUntilTheThrottleEnds() {
        image.set(new QuotasImage(Map.of(QuotaEntity.user("alice"), Map.of(QuotaKey.PRODUCER_BYTE_RATE, 1000.0))));
        assertThat(quotas.record(QuotaKey.PRODUCER_BYTE_RATE, alice, 500)).isZero();
        assertThat(quotas.record(QuotaKey.PRODUCER_BYTE_RATE, alice, 2500)).isEqualTo(2000);
        assertThat(events).containsExactly("producer_byte_rate user=alice 2000");
        clock.advanceMs(1500);
        assertThat(quotas.remainingThrottleMs(QuotaKey.PRODUCER_BYTE_RATE, alice)).isEqualTo(500);
        assertThat(quotas.remainingThrottleMs(QuotaKey.CONSUMER_BYTE_RATE, alice)).isZero();
        assertThat(quotas.remainingThrottleMs(QuotaKey.PRODUCER_BYTE_RATE, new ClientQuotas.Client("bob", "app")))
                .isZero();
        image.set(QuotasImage.EMPTY);
        assertThat(quotas.remainingThrottleMs(QuotaKey.PRODUCER_BYTE_RATE, alice)).as("quota removed").isZero();
    }

    @Test
    void requestPercentageIsHandlerTimeShareOfOneThread() {
        image.set(new QuotasImage(Map.of(QuotaEntity.client("app"), Map.of(QuotaKey.REQUEST_PERCENTAGE, 10.0))));
        // 10 % is 100 ms of handler time per second; 300 ms in a young window is 200 ms over.
        assertThat(quotas.record(QuotaKey.REQUEST_PERCENTAGE, alice, 300)).isEqualTo(2000);
    }
}
