package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppliedOffsetWaitersTest {
    private final AtomicLong nowMs = new AtomicLong(1_000);
    private final AppliedOffsetWaiters waiters = new AppliedOffsetWaiters(nowMs::get, 10);

    @Test
    void anOffsetAlreadyAppliedCompletesAtOnce() {
        assertThat(waiters.await(10, 500)).isCompletedWithValue(true);
        assertThat(waiters.await(3, 500)).isCompletedWithValue(true);
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void waitersCompleteInOffsetOrderAsTheImageAdvances() {
        CompletableFuture<Boolean> at12 = waiters.await(12, 500);
        CompletableFuture<Boolean> at11 = waiters.await(11, 500);
        CompletableFuture<Boolean> at20 = waiters.await(20, 500);
        waiters.handleApplied(11);
        assertThat(at11).isCompletedWithValue(true);
        assertThat(at12).isNotDone();
        waiters.handleApplied(15);
        assertThat(at12).isCompletedWithValue(true);
        assertThat(at20).isNotDone();
        assertThat(waiters.appliedOffset()).isEqualTo(15);
    }

    @Test
    void theAppliedOffsetNeverGoesBack() {
        waiters.handleApplied(30);
        waiters.handleApplied(25);
        assertThat(waiters.appliedOffset()).isEqualTo(30);
        assertThat(waiters.await(28, 500)).isCompletedWithValue(true);
    }

    @Test
    void aWaiterTimesOutOnlyOnceItsDeadlinePassed() {
        CompletableFuture<Boolean> early = waiters.await(50, 500);
        nowMs.addAndGet(300);
        CompletableFuture<Boolean> late = waiters.await(50, 500);
        nowMs.addAndGet(199);
        waiters.expireOverdue();
        assertThat(early).isNotDone();
        nowMs.addAndGet(1);
        waiters.expireOverdue();
        assertThat(early).isCompletedWithValue(false);
        assertThat(late).isNotDone();
        waiters.handleApplied(50);
        assertThat(late).isCompletedWithValue(true);
        assertThat(waiters.waitingCount()).isZero();
    }
}
