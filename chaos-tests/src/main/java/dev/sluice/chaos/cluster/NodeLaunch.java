package dev.sluice.chaos.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link NodeRuntime} needs to start one node: the {@code sluice server} arguments, extra environment
 * (e.g. libfaketime), where its data lives and where its output goes (appended, so restarts share one log).
 */
public record NodeLaunch(int nodeId, List<String> serverArgs, Map<String, String> environment, Path dataDir,
        Path logFile) {
    public NodeLaunch {
        serverArgs = List.copyOf(serverArgs);
        environment = Map.copyOf(environment);
    }
}
