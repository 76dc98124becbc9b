package dev.sluice.client.internal;

import dev.sluice.client.RetriableException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs a blocking request again after a backoff while it fails with a {@link RetriableException} and
 * the deadline (epoch milliseconds, from the injected {@link Time}) allows. Stateless apart from its
 * settings; used on the calling thread.
 */
public final class RetryingCall {
    private final Time time;
    private final long retryBackoffMs;

    public RetryingCall(Time time, long retryBackoffMs) {
        this.time = time;
        this.retryBackoffMs = retryBackoffMs;
    }

    /**
     * @param onRetry runs before each retry (to refresh metadata or forget a coordinator)
     * @return the first successful result
     * @throws SluiceException the last failure once it is fatal or the deadline passed
     */
    public <T> T call(long deadlineMs, Supplier<T> attempt, Runnable onRetry) {
        return call(deadlineMs, attempt, onRetry, e -> true);
    }

    /** Same, retrying only the retriable failures {@code worthRetrying} accepts. */
    public <T> T call(long deadlineMs, Supplier<T> attempt, Runnable onRetry,
                      Predicate<RetriableException> worthRetrying) {
        while (true) {
            try {
                return attempt.get();
            } catch (RetriableException e) {
                long remaining = deadlineMs - time.milliseconds();
                if (remaining <= 0 || !worthRetrying.test(e)) {
                    throw e;
                }
                onRetry.run();
                sleep(Math.min(retryBackoffMs, remaining));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(ms, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while retrying", e);
        }
    }
}
