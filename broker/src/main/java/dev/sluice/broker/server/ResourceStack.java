package dev.sluice.broker.server;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node (or one of its roles) started, stopped in reverse start order by {@link #close()}: whatever started
 * later may use what started earlier, so it stops first. A resource that fails to stop is logged, and the ones below
 * it still stop.
 *
 * <p>Threads: filled by the starting thread and emptied by whichever thread stops the node; the monitor makes the
 * second see what the first pushed.
 */
final class ResourceStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResourceStack.class);

    private final int nodeId;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    ResourceStack(int nodeId) {
        this.nodeId = nodeId;
    }

    /** Adds a started resource; returns it. */
    synchronized <T extends AutoCloseable> T push(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Stops every resource, the last pushed first. Later calls find the stack empty. */
    @Override
    public synchronized void close() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Error while stopping node {}: {}", nodeId, e.toString());
            }
        }
    }
}
