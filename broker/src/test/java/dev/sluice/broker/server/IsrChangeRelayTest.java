package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.rpc.ControllerChannel;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** ISR changes before the broker serves fail like a transport failure; the channel is connected once. */
class IsrChangeRelayTest {

    private static ControllerChannel unusedChannel() {
        return (ControllerChannel) Proxy.newProxyInstance(ControllerChannel.class.getClassLoader(),
                new Class<?>[] {ControllerChannel.class}, (proxy, method, args) -> {
                    throw new AssertionError("not expected: " + method.getName());
                });
    }

    @Test
    void aChangeBeforeTheChannelIsConnectedFailsAsATransportFailure() {
        IsrChangeRelay relay = new IsrChangeRelay();
        assertThat(relay.alterPartition(UUID.randomUUID(), 0, 1, 1, 1, List.of(1), java.util.Map.of()))
                .isCompletedExceptionally();
    }

    @Test
    void theChannelIsConnectedOnce() {
        IsrChangeRelay relay = new IsrChangeRelay();
        relay.connect(unusedChannel());
        assertThatThrownBy(() -> relay.connect(unusedChannel())).isInstanceOf(IllegalStateException.class);
    }
}
