package dev.sluice.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NemesisScheduleTest {
    @Test
    void faultsAlternateWithQuietPeriodsWithinTheDuration() {
        List<NemesisSchedule.Window> plan = NemesisSchedule.plan(new SplittableRandom(1), 3, 120_000, 5_000,
                10_000, 20_000, 10_000);
        assertThat(plan).isNotEmpty();
        assertThat(plan.get(0).startMs()).isEqualTo(5_000);
        for (int i = 0; i < plan.size(); i++) {
            NemesisSchedule.Window w = plan.get(i);
            assertThat(w.endMs() - w.startMs()).isBetween(10_000L, 20_000L);
            assertThat(w.endMs()).isLessThanOrEqualTo(120_000);
            if (i > 0) {
                assertThat(w.startMs() - plan.get(i - 1).endMs()).isEqualTo(10_000);
            }
        }
    }

    @Test
    void everyNemesisGetsATurnBeforeAnyRepeats() {
        List<NemesisSchedule.Window> plan = NemesisSchedule.plan(new SplittableRandom(9), 3, 600_000, 0,
                10_000, 10_000, 10_000);
        assertThat(plan.subList(0, 3)).extracting(NemesisSchedule.Window::nemesis).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void sameSeedSamePlanAndNoNemesesNoFaults() {
        assertThat(NemesisSchedule.plan(new SplittableRandom(5), 4, 300_000, 5_000, 10_000, 20_000, 10_000))
                .isEqualTo(NemesisSchedule.plan(new SplittableRandom(5), 4, 300_000, 5_000, 10_000, 20_000, 10_000));
        assertThat(NemesisSchedule.plan(new SplittableRandom(5), 0, 300_000, 5_000, 10_000, 20_000, 10_000))
                .isEmpty();
    }
}
