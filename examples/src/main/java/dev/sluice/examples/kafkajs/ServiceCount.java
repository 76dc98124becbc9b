package dev.sluice.examples.kafkajs;

import java.util.List;
import java.util.Set;

/**
 * What one consumer service printed: the distinct event ids, how many event lines (more than the ids when an event
 * was delivered again), the exit code if it had exited before it was stopped, and its non-log error lines.
 */
public record ServiceCount(String name, Set<String> eventIds, int eventLines, java.util.OptionalInt exitCode,
                           List<String> errorLines) {

    static ServiceCount of(ServiceProcess service) {
        return new ServiceCount(service.name(), service.eventIds(), service.eventLines(), service.exitCode(),
                service.errorLines());
    }
}
