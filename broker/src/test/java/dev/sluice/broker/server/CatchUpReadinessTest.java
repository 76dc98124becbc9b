package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.BrokerRegistration;
import dev.sluice.metadata.ClusterImage;
import dev.sluice.metadata.ConfigsImage;
import dev.sluice.metadata.MetadataImage;
import dev.sluice.metadata.PartitionImage;
import dev.sluice.metadata.ProducerIdsImage;
import dev.sluice.metadata.TopicImage;
import dev.sluice.metadata.TopicsImage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The catch-up rule holds once per registration: a later lag or reassignment does not take a broker out of service. */
class CatchUpReadinessTest {
    private static final int SELF = 4;

    private final CatchUpReadiness readiness = new CatchUpReadiness(SELF);

    /** Broker 5 leads orders-0, replicated on 5 and 4, with the given ISR. */
    private static MetadataImage image(List<Integer> isr) {
        TreeMap<Integer, BrokerRegistration> brokers = new TreeMap<>(Map.of(
                4, new BrokerRegistration(4, 1, "127.0.0.1", 7092, "", false),
                5, new BrokerRegistration(5, 1, "127.0.0.1", 7093, "", false)));
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>(Map.of(0,
                new PartitionImage(List.of(5, 4), isr, 5, 1, 1)));
        TopicImage topic = new TopicImage("orders", UUID.nameUUIDFromBytes("orders".getBytes()), partitions);
        return new MetadataImage(10, new ClusterImage(brokers), TopicsImage.of(List.of(topic)), ConfigsImage.EMPTY,
                ProducerIdsImage.EMPTY);
    }

    @Test
    void waitsUntilCaughtUpThenStaysReadyInTheSameRegistration() {
        assertThat(readiness.notReadyReason(image(List.of(5)), 7)).startsWith("replicas catching up");
        assertThat(readiness.notReadyReason(image(List.of(5, 4)), 7)).isNull();
        // Dropped from the ISR later for lagging, or receiving a reassigned replica: still in service.
        assertThat(readiness.notReadyReason(image(List.of(5)), 7)).isNull();
    }

    @Test
    void aNewRegistrationWaitsAgain() {
        assertThat(readiness.notReadyReason(image(List.of(5, 4)), 7)).isNull();
        assertThat(readiness.notReadyReason(image(List.of(5)), 8)).startsWith("replicas catching up");
    }

    @Test
    void beingFencedEndsTheCaughtUpState() {
        assertThat(readiness.notReadyReason(image(List.of(5, 4)), 7)).isNull();
        readiness.fenced();
        assertThat(readiness.notReadyReason(image(List.of(5)), 7)).startsWith("replicas catching up");
    }
}
