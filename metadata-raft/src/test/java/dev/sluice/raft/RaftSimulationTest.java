package dev.sluice.raft;

import org.junit.jupiter.api.Test;

/**
 * Runs seeded simulations. {@code -Dsluice.sim.seed=S} replays one seed; {@code -Dsluice.sim.seeds=N} runs N seeds
 * from 1 (default 20, a few seconds). A failure names the seed and the command that replays it.
 */
class RaftSimulationTest {

    @Test
    void clustersStaySafeUnderFaultsAndConvergeAfterHealing() {
        String single = System.getProperty("sluice.sim.seed");
        if (single != null) {
            runSeed(Long.parseLong(single));
            return;
        }
        int seeds = Integer.getInteger("sluice.sim.seeds", 20);
        for (long seed = 1; seed <= seeds; seed++) {
            runSeed(seed);
        }
    }

    private static void runSeed(long seed) {
        RaftSimulation simulation = new RaftSimulation(seed);
        try {
            simulation.run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("simulation failed, " + simulation.describe() + "\nreplay: ./mvnw -o -q -pl "
                + "metadata-raft -am test -Dtest=RaftSimulationTest -Dsurefire.failIfNoSpecifiedTests=false "
                + "-Dsluice.sim.seed=" + seed, e);
        }
    }
}
