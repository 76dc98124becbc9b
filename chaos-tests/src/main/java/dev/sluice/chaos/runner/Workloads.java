package dev.sluice.chaos.runner;

import dev.sluice.chaos.workload.AppendWorkload;
import dev.sluice.chaos.workload.GroupsWorkload;
import dev.sluice.chaos.workload.MetadataWorkload;
import dev.sluice.chaos.workload.Workload;
import dev.sluice.chaos.workload.WorkloadContext;

/** Creates workloads by name. */
final class Workloads {
    private Workloads() {
    }

    static Workload create(String name, WorkloadContext context) {
        return switch (name) {
            case "append" -> new AppendWorkload(context, AppendWorkload.Protocol.SLUICE);
            case "kafka-append" -> new AppendWorkload(context, AppendWorkload.Protocol.KAFKA);
            case "groups" -> new GroupsWorkload(context);
            case "metadata" -> new MetadataWorkload(context);
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: "
                    + RunConfig.KNOWN_WORKLOADS);
        };
    }
}
