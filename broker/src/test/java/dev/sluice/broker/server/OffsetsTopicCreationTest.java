package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When {@code __consumer_offsets} is created and with how many replicas, on combined and broker-only nodes. */
class OffsetsTopicCreationTest {
    private static final long SETTLE_MS = 6000;
    private static final long START_NANOS = 1_000_000_000L;

    private static long at(long ms) {
        return START_NANOS + TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private static OffsetsTopicCreation combined(int configured, int voters) {
        return new OffsetsTopicCreation(configured, voters, true, SETTLE_MS);
    }

    private static OffsetsTopicCreation brokerOnly(int configured, int voters) {
        return new OffsetsTopicCreation(configured, voters, false, SETTLE_MS);
    }

    @Test
    void aSingleCombinedNodeCreatesWithOneReplicaAtOnce() {
        OffsetsTopicCreation.Decision decision = combined(3, 1).decide(1, 1, at(0));
        assertThat(decision.create()).isTrue();
        assertThat(decision.replicationFactor()).isEqualTo(1);
        assertThat(decision.belowConfigured(3)).isTrue();
    }

    @Test
    void threeCombinedNodesWaitForAllThreeEvenWhenOneRegistered() {
        OffsetsTopicCreation creation = combined(3, 3);
        OffsetsTopicCreation.Decision first = creation.decide(1, 1, at(0));
        assertThat(first.create()).isFalse();
        assertThat(first.waitingFor()).isEqualTo("waiting for 3 unfenced brokers (have 1)");
        assertThat(creation.decide(3, 3, at(10)).create()).isTrue();
        assertThat(creation.decide(3, 3, at(10)).replicationFactor()).isEqualTo(3);
    }

    @Test
    void combinedNodesAreCappedByConfigAndRaisedByRegisteredBrokers() {
        assertThat(combined(3, 5).replicationFactor(5)).isEqualTo(3);
        assertThat(combined(3, 1).replicationFactor(2)).isEqualTo(2);
        assertThat(combined(1, 3).replicationFactor(3)).isEqualTo(1);
    }

    /** The case found in a rolling-restart setup: the three voters host no replica, so they must not count. */
    @Test
    void twoBrokersUnderThreeControllerOnlyNodesCreateWithTwoReplicas() {
        OffsetsTopicCreation creation = brokerOnly(3, 3);
        assertThat(creation.replicationFactor(2)).isEqualTo(2);
        assertThat(creation.decide(2, 2, at(0)).create()).as("waits for late registrations first").isFalse();
        OffsetsTopicCreation.Decision settled = creation.decide(2, 2, at(SETTLE_MS));
        assertThat(settled.create()).isTrue();
        assertThat(settled.replicationFactor()).isEqualTo(2);
    }

    @Test
    void theFirstBrokerToRegisterDoesNotCreateWithOneReplicaWhileOthersAreStillRegistering() {
        OffsetsTopicCreation creation = brokerOnly(3, 3);
        OffsetsTopicCreation.Decision alone = creation.decide(1, 1, at(0));
        assertThat(alone.create()).isFalse();
        assertThat(alone.waitingFor()).isEqualTo("waiting 6000 ms more for further brokers to register before using "
                + "replication factor 1 (1 registered, offsets.topic.replication.factor=3)");
        assertThat(creation.decide(1, 1, at(SETTLE_MS - 1)).create()).isFalse();
        // A second broker registers just before the window ends: the window starts again for the new count.
        assertThat(creation.decide(2, 1, at(SETTLE_MS - 1)).waitingFor()).isEqualTo(
                "waiting for 2 unfenced brokers (have 1)");
        assertThat(creation.decide(2, 2, at(SETTLE_MS + 100)).create()).isFalse();
        // The third registers: the configured factor is reached, so nothing more is worth waiting for.
        OffsetsTopicCreation.Decision full = creation.decide(3, 3, at(SETTLE_MS + 200));
        assertThat(full.create()).isTrue();
        assertThat(full.replicationFactor()).isEqualTo(3);
        assertThat(full.belowConfigured(3)).isFalse();
    }

    @Test
    void aBrokerOnlyClusterAsLargeAsTheConfiguredFactorNeedsNoWindow() {
        OffsetsTopicCreation creation = brokerOnly(3, 3);
        assertThat(creation.decide(4, 3, at(0)).create()).isTrue();
        assertThat(creation.decide(4, 3, at(0)).replicationFactor()).isEqualTo(3);
    }

    @Test
    void aRegisteredButFencedBrokerIsWaitedForRatherThanLeftOut() {
        OffsetsTopicCreation creation = brokerOnly(2, 3);
        OffsetsTopicCreation.Decision decision = creation.decide(2, 1, at(SETTLE_MS * 10));
        assertThat(decision.create()).isFalse();
        assertThat(decision.replicationFactor()).isEqualTo(2);
    }
}
