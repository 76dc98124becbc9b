package dev.sluice.chaos.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NemesesTest {
    @Test
    void theDiskAndIdentityNemesesAreSelectableByNameAndPartOfAll() {
        assertThat(Nemeses.names()).contains("power-loss", "power-loss-all", "bitflip", "duplicate-node");
        assertThat(Nemeses.parse("power-loss-all,bitflip,duplicate-node")).extracting(Nemesis::name)
                .containsExactly("power-loss-all", "bitflip", "duplicate-node");
        assertThat(Nemeses.parse("all")).extracting(Nemesis::name).containsExactlyElementsOf(Nemeses.names());
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Nemeses.parse("power-cut")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power-cut").hasMessageContaining("power-loss-all");
    }
}
