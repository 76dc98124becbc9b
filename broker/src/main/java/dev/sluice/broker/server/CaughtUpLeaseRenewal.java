package dev.sluice.broker.server;

import dev.sluice.broker.group.CoordinatorLease;
import dev.sluice.controller.ReadBarrierReply;
import dev.sluice.proto.v1.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Renews the {@link CoordinatorLease} after an accepted broker heartbeat, but only once this broker's metadata image
 * has caught up with the quorum as of that moment: a read barrier from the active controller, then a wait until the
 * image has applied the barrier's offset.
 *
 * <p>Why not renew on the heartbeat alone (found by the chaos groups checker): a broker resumed after a long
 * SIGSTOP, or cut off and healed, has an image from before the pause. Its first heartbeat is accepted at once (the
 * controller unfences it), but the image still says it leads {@code __consumer_offsets} partitions that moved while it
 * was away, so its coordinator handed out assignments from its stale membership next to the real coordinator's.
 * Leadership moves committed before the barrier are in the image once the barrier is applied; for later ones the
 * lease's own timing holds: the controller fences this broker only after the lease ended, and a new leader that took a
 * partition from a live broker waits one lease period before coordinating ({@code CoordinatorHandoffs}). And a stale
 * active controller in a minority (a combined node cut off with its own broker) accepts heartbeats but cannot commit
 * the barrier, so it renews nothing.
 *
 * <p>Asynchronous: {@link #renew} returns at once; renewals that overlap are harmless, since the lease only moves
 * forward to the latest send time.
 */
final class CaughtUpLeaseRenewal {

    /** Waits until this broker's image has applied an offset: true once it has, false after the timeout. */
    interface AppliedOffsets {
        CompletableFuture<Boolean> await(long offset, long timeoutMs);
    }

    private final CoordinatorLease lease;
    private final Supplier<CompletableFuture<ReadBarrierReply>> barrier;
    private final AppliedOffsets appliedOffsets;
    private final long catchUpTimeoutMs;

    CaughtUpLeaseRenewal(CoordinatorLease lease, Supplier<CompletableFuture<ReadBarrierReply>> barrier,
                         AppliedOffsets appliedOffsets, long catchUpTimeoutMs) {
        this.lease = lease;
        this.barrier = barrier;
        this.appliedOffsets = appliedOffsets;
        this.catchUpTimeoutMs = catchUpTimeoutMs;
    }

    /** The time to pass to {@link #renew} if the heartbeat about to be sent is accepted. */
    long now() {
        return lease.now();
    }

    /**
     * A heartbeat sent at {@code sentNanos} (from {@link #now()}) was accepted: renews the lease from
     * then once the image is caught up. Completes with whether it renewed; never exceptionally.
     */
    CompletableFuture<Boolean> renew(long sentNanos) {
        CompletableFuture<ReadBarrierReply> asked;
        try {
            asked = barrier.get();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(false);
        }
        return asked.thenCompose(reply -> reply.error() != ErrorCode.NONE
                        ? CompletableFuture.completedFuture(false)
                        : appliedOffsets.await(reply.offset(), catchUpTimeoutMs))
                .thenApply(caughtUp -> {
                    if (caughtUp) {
                        lease.acknowledged(sentNanos);
                    }
                    return caughtUp;
                })
                .exceptionally(failure -> false);
    }
}
