package dev.sluice.chaos.checker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.chaos.history.FaultEvent;
import dev.sluice.chaos.history.FaultEvent.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerLossesTest {
    @Test
    void onlyStartsOfPowerLossFaultsThatDidNotFailCount() {
        List<FaultEvent> faults = List.of(
                new FaultEvent(100, 1, "kill", Phase.START, "kill -9 node 1"),
                new FaultEvent(200, 1, "kill", Phase.HEAL, "restart node 1"),
                new FaultEvent(500, 2, "power-loss-all", Phase.START, "power loss of nodes 1, 2, 3"),
                new FaultEvent(600, 2, "power-loss-all", Phase.HEAL, "nodes running"),
                new FaultEvent(700, 3, "power-loss", Phase.START, "failed to start: java.io.IOException: x"),
                new FaultEvent(800, 3, "power-loss", Phase.HEAL, "nodes running"),
                new FaultEvent(300, 4, "power-loss", Phase.START, "power loss of node 2"));

        PowerLosses losses = PowerLosses.from(faults);

        assertThat(losses.startNanos()).containsExactly(300L, 500L);
        assertThat(losses.any()).isTrue();
    }

    @Test
    void aRecordIsExposedWhenAPowerLossBeganAfterItsAcknowledgement() {
        PowerLosses losses = new PowerLosses(List.of(500L, 300L));

        assertThat(losses.anyAfter(299)).isTrue();
        assertThat(losses.anyAfter(499)).isTrue();
        assertThat(losses.anyAfter(500)).isFalse();
        assertThat(PowerLosses.NONE.anyAfter(0)).isFalse();
        assertThat(losses.anyBetween(300, 500)).isFalse();
        assertThat(losses.anyBetween(299, 301)).isTrue();
        assertThat(losses.anyBetween(400, Long.MAX_VALUE)).isTrue();
    }
}
