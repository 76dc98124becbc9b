package dev.sluice.chaos.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AppendValuesTest {
    @Test
    void anEncodedValueDecodesToItsProducerAndSequence() {
        String value = AppendValues.encode("producer-2", 1234);

        assertThat(value).startsWith("producer-2-1234#").hasSize("producer-2-1234#".length() + 8);
        assertThat(AppendValues.decode(value)).contains(new AppendValues.Identity("producer-2", 1234));
    }

    @Test
    void everySingleBitFlipOfAValueIsDetected() {
        byte[] bytes = AppendValues.encode("producer-0", 987_654).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[i] ^= (byte) (1 << bit);
                String corrupted = new String(flipped, StandardCharsets.UTF_8);

                assertThat(AppendValues.decode(corrupted)).as("byte %d bit %d: %s", i, bit, corrupted).isEmpty();
            }
        }
    }

    @Test
    void valuesWithoutAValidChecksumOrSequenceDoNotDecode() {
        assertThat(AppendValues.decode(null)).isEmpty();
        assertThat(AppendValues.decode("producer-0-1")).isEmpty();
        assertThat(AppendValues.decode("#00000000")).isEmpty();
        assertThat(AppendValues.decode(AppendValues.encode("p", 1) + "0")).isEmpty();
        assertThat(AppendValues.decode(AppendValues.encode("p", 1).toUpperCase())).isEmpty();
        String noSequence = "producer-x";
        String withChecksum = AppendValues.encode("producer", 0).replace("producer-0", noSequence);
        assertThat(AppendValues.decode(withChecksum)).isEmpty();
    }
}
