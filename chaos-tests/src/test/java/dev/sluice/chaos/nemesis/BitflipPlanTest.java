package dev.sluice.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BitflipPlanTest {
    private static final List<BitflipPlan.Candidate> FILES = List.of(
            new BitflipPlan.Candidate("log/000004.log", 5_000_000),
            new BitflipPlan.Candidate("log/000009.sst", 70_000),
            new BitflipPlan.Candidate("log/000010.sst", 3),
            new BitflipPlan.Candidate("log/000011.log", 0));

    @Test
    void flipsStayWithinBoundsAndTouchDistinctBytesOfDistinctNonEmptyFiles() {
        Map<String, Long> sizes = FILES.stream().collect(Collectors.toMap(BitflipPlan.Candidate::file,
                BitflipPlan.Candidate::sizeBytes));
        for (long seed = 0; seed < 500; seed++) {
            List<BitflipPlan.Flip> flips = BitflipPlan.plan(new SplittableRandom(seed), FILES, 2, 3);

            Set<String> files = flips.stream().map(BitflipPlan.Flip::file).collect(Collectors.toSet());
            assertThat(files).hasSizeBetween(1, 2).doesNotContain("log/000011.log");
            for (String file : files) {
                List<Long> offsets = flips.stream().filter(f -> f.file().equals(file))
                        .map(BitflipPlan.Flip::offset).toList();
                assertThat(offsets).hasSizeBetween(1, 3).doesNotHaveDuplicates()
                        .allMatch(offset -> offset >= 0 && offset < sizes.get(file));
            }
            assertThat(flips).allMatch(flip -> flip.bit() >= 0 && flip.bit() < 8
                    && Integer.bitCount(flip.mask()) == 1);
        }
    }

    @Test
    void theSameSeedGivesTheSamePlanWhateverTheListingOrder() {
        List<BitflipPlan.Candidate> shuffled = new ArrayList<>(FILES);
        Collections.reverse(shuffled);

        assertThat(BitflipPlan.plan(new SplittableRandom(42), shuffled, 2, 3))
                .isEqualTo(BitflipPlan.plan(new SplittableRandom(42), FILES, 2, 3));
    }

    @Test
    void overManySeedsEveryNonEmptyFileAndEveryBitGetsPicked() {
        Set<String> files = new HashSet<>();
        Set<Integer> bits = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            for (BitflipPlan.Flip flip : BitflipPlan.plan(new SplittableRandom(seed), FILES, 2, 3)) {
                files.add(flip.file());
                bits.add(flip.bit());
            }
        }
        assertThat(files).containsExactlyInAnyOrder("log/000004.log", "log/000009.sst", "log/000010.sst");
        assertThat(bits).hasSize(8);
    }

    @Test
    void nothingToCorruptGivesNoFlipsAndBadLimitsAreRefused() {
        assertThat(BitflipPlan.plan(new SplittableRandom(1), List.of(), 2, 3)).isEmpty();
        assertThat(BitflipPlan.plan(new SplittableRandom(1), List.of(new BitflipPlan.Candidate("a.sst", 0)), 2, 3))
                .isEmpty();
        assertThatThrownBy(() -> BitflipPlan.plan(new SplittableRandom(1), FILES, 0, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BitflipPlan.Flip("a.sst", 0, 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
