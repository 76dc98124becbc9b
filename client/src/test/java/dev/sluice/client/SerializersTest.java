package dev.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SerializersTest {
    public record Order(String id, int quantity) {
    }

    @Test
    void stringRoundTripIsUtf8AndNullSafe() {
        byte[] bytes = new StringSerializer().serialize("t", "héllo");
        assertThat(bytes).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(new StringDeserializer().deserialize("t", bytes)).isEqualTo("héllo");
        assertThat(new StringSerializer().serialize("t", null)).isNull();
        assertThat(new StringDeserializer().deserialize("t", null)).isNull();
    }

    @Test
    void byteArrayPassesThrough() {
        byte[] bytes = {1, 2, 3};
        assertThat(new ByteArraySerializer().serialize("t", bytes)).isSameAs(bytes);
        assertThat(new ByteArrayDeserializer().deserialize("t", bytes)).isSameAs(bytes);
    }

    @Test
    void jsonRoundTripAndBadInput() {
        byte[] bytes = new JsonSerializer<Order>().serialize("t", new Order("o-1", 3));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"o-1\",\"quantity\":3}");
        assertThat(new JsonDeserializer<>(Order.class).deserialize("t", bytes)).isEqualTo(new Order("o-1", 3));
        assertThat(new JsonDeserializer<>(Order.class).deserialize("t", null)).isNull();
        assertThatThrownBy(() -> new JsonDeserializer<>(Order.class).deserialize("t", "{oops".getBytes()))
                .isInstanceOf(SluiceException.class).hasMessageContaining("Order");
    }
}
