package dev.sluice.raft;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs seeded simulations. {@code -Dsluice.sim.seed=S} replays one seed; {@code -Dsluice.sim.seeds=N} runs N seeds
 * from 1 (default 2,000). A failure names the seed and the command that replays it.
 */
class RaftSimulationTest {
    private static final int DEFAULT_SEEDS = 2_000;

    @Test
    void clustersStaySafeUnderFaultsAndConvergeAfterHealing() {
        String single = System.getProperty("sluice.sim.seed");
        if (single != null) {
            runSeed(Long.parseLong(single));
            return;
        }
        int seeds = Integer.getInteger("sluice.sim.seeds", DEFAULT_SEEDS);
        long snapshotsLoaded = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            snapshotsLoaded += runSeed(seed);
        }
        assertThat(snapshotsLoaded).as("the runs exercise loading snapshots").isPositive();
    }

    private static int runSeed(long seed) {
        RaftSimulation simulation = new RaftSimulation(seed);
        try {
            simulation.run();
            return simulation.snapshotsLoaded();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("simulation failed, " + simulation.describe() + "\nreplay: ./mvnw -o -q -pl "
                + "metadata-raft -am test -Dtest=RaftSimulationTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dsluice.sim.seed=" + seed, e);
        }
    }
}
