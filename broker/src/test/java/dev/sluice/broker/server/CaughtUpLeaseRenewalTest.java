package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.group.CoordinatorLease;
import dev.sluice.broker.rpc.AppliedOffsetWaiters;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CaughtUpLeaseRenewalTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicLong millis = new AtomicLong(0);
    private final CoordinatorLease lease = new CoordinatorLease(nanos::get, 4_500);
    private final AppliedOffsetWaiters applied = new AppliedOffsetWaiters(millis::get, 40);
    private CompletableFuture<ReadBarrierReply> barrier = new CompletableFuture<>();
    private final CaughtUpLeaseRenewal renewal =
            new CaughtUpLeaseRenewal(lease, () -> barrier, applied::await, 4_500);

    @Test
    void anAcceptedHeartbeatRenewsOnlyOnceTheImageHasAppliedTheBarrier() {
        // The resumed-after-a-pause case: the heartbeat is accepted while the image is far behind the quorum.
        CompletableFuture<Boolean> renewed = renewal.renew(renewal.now());
        assertThat(lease.isValid()).isFalse();
        barrier.complete(new ReadBarrierReply(ErrorCode.NONE, "", 90));
        assertThat(lease.isValid()).as("image at 40, barrier at 90").isFalse();
        applied.handleApplied(89);
        assertThat(lease.isValid()).isFalse();
        applied.handleApplied(90);
        assertThat(lease.isValid()).isTrue();
        assertThat(renewed).isCompletedWithValue(true);
    }

    @Test
    void theLeaseRunsFromTheHeartbeatSendTimeNotFromTheCatchUp() {
        long sent = renewal.now();
        renewal.renew(sent);
        nanos.addAndGet(3_000_000_000L);
        barrier.complete(new ReadBarrierReply(ErrorCode.NONE, "", 10));   // already applied
        assertThat(lease.isValid()).isTrue();
        nanos.addAndGet(1_500_000_000L);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aControllerThatCannotCommitTheBarrierRenewsNothing() {
        // A stale active controller in a minority accepts heartbeats, then steps down with the barrier pending.
        CompletableFuture<Boolean> renewed = renewal.renew(renewal.now());
        barrier.complete(ReadBarrierReply.error(ErrorCode.NOT_CONTROLLER, "stepped down"));
        assertThat(renewed).isCompletedWithValue(false);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aCatchUpThatTimesOutRenewsNothing() {
        CompletableFuture<Boolean> renewed = renewal.renew(renewal.now());
        barrier.complete(new ReadBarrierReply(ErrorCode.NONE, "", 500));
        millis.addAndGet(4_500);
        applied.expireOverdue();
        assertThat(renewed).isCompletedWithValue(false);
        assertThat(lease.isValid()).isFalse();
    }

    @Test
    void aFailedBarrierCallRenewsNothing() {
        barrier = CompletableFuture.failedFuture(new IllegalStateException("channel closed"));
        assertThat(renewal.renew(renewal.now())).isCompletedWithValue(false);
        assertThat(lease.isValid()).isFalse();
    }
}
