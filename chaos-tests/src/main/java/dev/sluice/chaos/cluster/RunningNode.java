package dev.sluice.chaos.cluster;

/** One started node (one incarnation: a restart gives a new handle). Signals go to this node only. */
public interface RunningNode {
    /** The process id (or a container's id hash) for the timeline. */
    String id();

    boolean isAlive();

    /** SIGKILL, then waits (bounded) until it is gone. */
    void kill();

    /** SIGSTOP: frozen until {@link #resume()}. */
    void pause();

    /** SIGCONT. */
    void resume();

    /** SIGTERM (graceful), SIGKILL after a grace period. */
    void stop();
}
