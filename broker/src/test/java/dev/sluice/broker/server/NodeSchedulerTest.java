package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NodeSchedulerTest {

    /** A wait's deadline cancelled when the wait ends early leaves nothing behind to wake a thread later. */
    @Test
    void aCancelledDeadlineLeavesTheQueueAtOnce() {
        ScheduledThreadPoolExecutor scheduler = Node.newScheduler();
        try {
            ScheduledFuture<?> deadline = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);
            assertThat(scheduler.getQueue()).hasSize(1);

            deadline.cancel(false);

            assertThat(scheduler.getQueue()).isEmpty();
        } finally {
            scheduler.shutdownNow();
        }
    }
}
