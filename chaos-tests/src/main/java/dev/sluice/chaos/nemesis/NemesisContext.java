package dev.sluice.chaos.nemesis;

import dev.sluice.chaos.cluster.ChaosCluster;
import dev.sluice.chaos.disk.LazyFsDisks;
import java.nio.file.Path;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What nemeses act on: the cluster (and through it the network fabric), the seeded random that picks targets, the
 * append topic (to find partition leaders), the run directory, and the nodes' LazyFS disks (mounted only when a power
 * nemesis runs).
 */
public record NemesisContext(ChaosCluster cluster, RandomGenerator random, String appendTopic, int appendPartitions,
        Path runDir, LazyFsDisks disks) {
    /** A uniformly chosen element. */
    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    public List<Integer> nodeIds() {
        return cluster.topology().nodeIds();
    }

    /** The active controller, or a random controller when the cluster cannot say. */
    public int activeControllerOrRandom() {
        int leader = cluster.activeController();
        return leader > 0 ? leader : pick(cluster.topology().controllerIds());
    }

    /** The leader of a random append partition, or a random broker when the cluster cannot say. */
    public int partitionLeaderOrRandom() {
        int leader = cluster.partitionLeader(appendTopic, random.nextInt(appendPartitions));
        return leader > 0 ? leader : pick(cluster.topology().brokerIds());
    }
}
