package dev.sluice.chaos.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The nemesis registry: names as {@code --nemesis} takes them, {@code all} for every one (those whose prerequisites
 * are missing here are then skipped and listed as unavailable in {@code run.json}).
 */
public final class Nemeses {
    private static final Map<String, Supplier<Nemesis>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("kill", KillNemesis::random);
        ALL.put("kill-controller", KillNemesis::activeController);
        ALL.put("kill-leader", KillNemesis::partitionLeader);
        ALL.put("pause", PauseNemesis::new);
        ALL.put("partition", PartitionNemesis::majorityMinority);
        ALL.put("partition-controller", PartitionNemesis::isolateController);
        ALL.put("partition-leader", PartitionNemesis::isolateLeader);
        ALL.put("bridge", PartitionNemesis::bridge);
        ALL.put("one-way", PartitionNemesis::oneWay);
        ALL.put("slow", LinkNemesis::slow);
        ALL.put("lossy", LinkNemesis::lossy);
        ALL.put("clock", ClockNemesis::new);
        ALL.put("disk-full", DiskFullNemesis::new);
        ALL.put("power-loss", PowerLossNemesis::oneNode);
        ALL.put("power-loss-all", PowerLossNemesis::wholeCluster);
        ALL.put("bitflip", BitflipNemesis::new);
        ALL.put("duplicate-node", DuplicateNodeNemesis::new);
    }

    private Nemeses() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** Parses {@code kill,pause,...} or {@code all}; unknown names throw. */
    public static List<Nemesis> parse(String spec) {
        List<Nemesis> nemeses = new ArrayList<>();
        for (String name : spec.split(",")) {
            String trimmed = name.trim();
            if (trimmed.isEmpty() || trimmed.equals("none")) {
                continue;
            }
            if (trimmed.equals("all")) {
                ALL.values().forEach(s -> nemeses.add(s.get()));
                continue;
            }
            Supplier<Nemesis> supplier = ALL.get(trimmed);
            if (supplier == null) {
                throw new IllegalArgumentException("unknown nemesis '" + trimmed + "'; known: " + names() + ", all");
            }
            nemeses.add(supplier.get());
        }
        return nemeses;
    }
}
