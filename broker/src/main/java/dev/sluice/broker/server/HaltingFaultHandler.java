package dev.sluice.broker.server;

import dev.sluice.fault.FaultHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@link FaultHandler}: a broken invariant or a failed storage write (a full disk) means this process can
 * no longer be trusted to serve, lead or vote, so it logs the first fault once with its cause, flushes the console
 * streams the log goes to, and halts the JVM with {@link #EXIT_CODE}. Halting (no shutdown hooks, no controlled
 * shutdown) is deliberate: a controlled shutdown would write to the store that just failed. The other replicas take
 * over the partitions; restarting the node (once the disk has room again) recovers from the durable logs.
 *
 * <p>Threads: any thread. Invariant: only the first fault is logged and halts; a fault racing it waits for the halt.
 */
final class HaltingFaultHandler implements FaultHandler {

    /** The process exit code after a fault: EX_SOFTWARE of sysexits.h. */
    static final int EXIT_CODE = 70;

    private static final Logger log = LoggerFactory.getLogger(HaltingFaultHandler.class);

    private final int nodeId;
    private final AtomicBoolean faulted = new AtomicBoolean();

    HaltingFaultHandler(int nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public void handleFault(String message, Throwable cause) {
        if (!faulted.compareAndSet(false, true)) {
            return;  // the first fault is halting the process already
        }
        log.error("Fatal fault on node {}: {}; stopping the process (exit code {})", nodeId, message, EXIT_CODE,
                cause);
        // The console appenders write synchronously; flushing the streams makes sure the line above is out.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_CODE);
    }
}
