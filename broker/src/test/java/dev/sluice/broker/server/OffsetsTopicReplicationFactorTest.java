package dev.sluice.broker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many brokers {@code __consumer_offsets} waits for. */
class OffsetsTopicReplicationFactorTest {

    @Test
    void singleCombinedNodeGetsOne() {
        assertEquals(1, BrokerLifecycle.offsetsTopicReplicationFactor(3, 1, 1));
    }

    @Test
    void threeCombinedNodesWaitForAllThreeEvenWhenOneRegistered() {
        assertEquals(3, BrokerLifecycle.offsetsTopicReplicationFactor(3, 3, 1));
    }

    @Test
    void cappedByConfigAndRaisedByRegisteredBrokers() {
        assertEquals(3, BrokerLifecycle.offsetsTopicReplicationFactor(3, 5, 5));
        assertEquals(2, BrokerLifecycle.offsetsTopicReplicationFactor(3, 1, 2));
        assertEquals(1, BrokerLifecycle.offsetsTopicReplicationFactor(1, 3, 3));
    }
}
