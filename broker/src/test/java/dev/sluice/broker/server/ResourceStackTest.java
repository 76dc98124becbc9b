package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node's stop order: the reverse of the start order, whatever one resource does when it stops. */
class ResourceStackTest {

    @Test
    void stopsInReverseOrderPastAFailureAndOnlyOnce() {
        List<String> stopped = new ArrayList<>();
        ResourceStack stack = new ResourceStack(1);
        stack.push(() -> stopped.add("lock"));
        stack.push(() -> {
            stopped.add("store");
            throw new IllegalStateException("disk gone");
        });
        stack.push(() -> stopped.add("server"));

        stack.close();
        stack.close();

        assertThat(stopped).containsExactly("server", "store", "lock");
    }
}
