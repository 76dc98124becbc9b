package dev.sluice.broker.server;

import java.util.concurrent.ThreadFactory;

/**
 * Daemon threads under one name, for the node's executors: the node stops them in {@link Node#close()}, and being
 * daemons they never keep a JVM alive whose node failed to start or was abandoned by a test.
 */
final class DaemonThreads implements ThreadFactory {
    private final String name;

    DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
