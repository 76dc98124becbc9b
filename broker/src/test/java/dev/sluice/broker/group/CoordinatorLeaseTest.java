package dev.sluice.broker.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoordinatorLeaseTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final CoordinatorLease lease = new CoordinatorLease(nanos::get, 4_500);

    @Test
    void invalidUntilTheControllerAcceptsAHeartbeat() {
        assertThat(lease.isValid()).isFalse();
        lease.acknowledged(lease.now());
        assertThat(lease.isValid()).isTrue();
    }

    @Test
    void runsFromTheSendTimeOfTheLastAcceptedHeartbeat() {
        long sent = lease.now();
        nanos.addAndGet(2_000_000_000L);        // the answer took 2 s to come back
        lease.acknowledged(sent);
        nanos.addAndGet(2_499_000_000L);
        assertThat(lease.isValid()).isTrue();
        nanos.addAndGet(1_000_000L);             // 4.5 s after the send, not after the answer
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aLateAnswerToAnOlderHeartbeatDoesNotShortenTheLease() {
        long older = lease.now();
        nanos.addAndGet(1_000_000_000L);
        long newer = lease.now();
        lease.acknowledged(newer);
        lease.acknowledged(older);
        nanos.addAndGet(4_000_000_000L);
        assertThat(lease.isValid()).isTrue();
    }

    @Test
    void aRevokedLeaseStaysInvalidWhateverIsAcknowledgedLater() {
        lease.acknowledged(lease.now());
        lease.revoke();
        assertThat(lease.isValid()).isFalse();
        lease.acknowledged(lease.now());
        assertThat(lease.isValid()).as("a shutting-down broker's heartbeats renew nothing").isFalse();
        assertThat(CoordinatorLease.ALWAYS.isValid()).isTrue();
    }
}
