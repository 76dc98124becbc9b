package dev.sluice.chaos.workload;

import java.time.Duration;

/**
 * A client workload writing operations to the run's history. Lifecycle, all from the runner thread:
 * {@link #start()} (starts its own threads), {@link #stopLoad()} (stop issuing new operations), then, once the cluster
 * is healed and settled, {@link #finish(Duration)} (final reads / catch up), and {@link #close()}.
 */
public interface Workload extends AutoCloseable {
    /** {@code append}, {@code groups} or {@code metadata}; also picks its checker. */
    String name();

    void start();

    void stopLoad();

    /** Returns a note for the report when the final phase did not complete within {@code timeout}, else null. */
    String finish(Duration timeout);

    @Override
    void close();
}
