package dev.sluice.chaos.cluster;

import java.io.IOException;

/** Starts node processes somewhere: as child processes in network namespaces, or in containers. */
public interface NodeRuntime extends AutoCloseable {
    /** For the report: {@code process} or {@code testcontainers}. */
    String name();

    RunningNode start(NodeLaunch launch) throws IOException;

    @Override
    default void close() {
    }
}
