package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.metadata.PartitionImage;
import dev.sluice.proto.v1.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The leader's high watermark equals a naive model: the largest value ever reached by the smallest log end offset
 * over the (maximal) ISR, where a follower that has not fetched yet counts as -1. Random appends, follower fetches
 * (never beyond the leader's log end, never moving back), ISR changes proposed by the core and committed or refused
 * at random, and ISR shrinks arriving through metadata; one seed drives everything.
 */
class LeaderPartitionStatePropertyTest {

    private static final long EPOCH = 3;

    private static final List<Integer> REPLICAS = List.of(1, 2, 3, 4);

    @Property(tries = 300)
    void highWatermarkEqualsMinLogEndOverIsrAndIsMonotonic(@ForAll long seed,
                                                          @ForAll @IntRange(min = 1, max = 200) int steps) {
        Random random = new Random(seed);
        long nowMs = 0;
        long leaderEnd = random.nextInt(20);
        long startHw = random.nextInt((int) leaderEnd + 1);
        List<Integer> isr = new ArrayList<>(List.of(1, 2, 3));
        int partitionEpoch = 7;
        LeaderPartitionState state = new LeaderPartitionState(1, new PartitionImage(REPLICAS, isr, 1, 3,
                partitionEpoch), leaderEnd, startHw, nowMs, 100, 10);
        Map<Integer, Long> followerEnds = new HashMap<>();
        long modelHw = startHw;
        IsrProposal inFlight = null;
        for (int step = 0; step < steps; step++) {
            nowMs += random.nextInt(30);
            int action = random.nextInt(10);
            if (action < 3) {
                leaderEnd += 1 + random.nextInt(5);
                state.handleLocalAppend(leaderEnd);
            } else if (action < 7) {
                int follower = 2 + random.nextInt(3);
                long previous = followerEnds.getOrDefault(follower, 0L);
                long fetchOffset = previous + random.nextInt((int) (leaderEnd - previous) + 1);
                followerEnds.put(follower, fetchOffset);
                LeaderUpdate update = state.handleFollowerFetch(follower, EPOCH, fetchOffset, leaderEnd, nowMs);
                inFlight = update.isrProposal().orElse(inFlight);
            } else if (action < 8) {
                inFlight = state.maybeShrinkIsr(nowMs).isrProposal().orElse(inFlight);
            } else if (inFlight != null) {
                if (random.nextBoolean()) {
                    state.handleIsrChangeResponse(inFlight, ErrorCode.FENCED_EPOCH, nowMs);
                } else {
                    isr = new ArrayList<>(inFlight.newIsr());
                    state.handlePartitionImage(new PartitionImage(REPLICAS, isr, 1, 3, ++partitionEpoch), nowMs);
                }
                inFlight = null;
            }
            Set<Integer> maximal = new LinkedHashSet<>(isr);
            if (inFlight != null) {
                maximal.addAll(inFlight.newIsr());
            }
            long minEnd = leaderEnd;
            for (int replica : maximal) {
                if (replica != 1) {
                    minEnd = Math.min(minEnd, followerEnds.getOrDefault(replica, -1L));
                }
            }
            long previousHw = modelHw;
            modelHw = Math.max(modelHw, minEnd);
            assertThat(state.highWatermark()).as("seed %d step %d", seed, step).isEqualTo(modelHw)
                    .isGreaterThanOrEqualTo(previousHw).isLessThanOrEqualTo(leaderEnd);
            assertThat(state.maximalIsr()).as("seed %d step %d", seed, step).isEqualTo(maximal);
        }
    }
}
