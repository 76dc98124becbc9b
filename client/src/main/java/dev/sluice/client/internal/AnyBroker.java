package dev.sluice.client.internal;

import dev.sluice.client.BrokerUnavailableException;
import dev.sluice.client.SluiceException;
import io.grpc.ManagedChannel;
import java.util.List;
import java.util.function.Function;

/**
 * Sends a request any broker can answer (admin calls) to the first reachable bootstrap address,
 * remembering which one answered. A transport failure moves on to the next address; when none
 * answers, the first failure is thrown (a {@link BrokerUnavailableException} naming the address).
 * Thread-safe.
 */
public final class AnyBroker {
    private final List<String> addresses;
    private final ChannelPool channels;
    private volatile int preferred;

    public AnyBroker(List<String> addresses, ChannelPool channels) {
        this.addresses = List.copyOf(addresses);
        this.channels = channels;
    }

    /** Runs {@code request} against one broker's channel; gRPC failures become typed exceptions. */
    public <T> T call(Function<ManagedChannel, T> request) {
        SluiceException first = null;
        int start = preferred;
        for (int i = 0; i < addresses.size(); i++) {
            int index = (start + i) % addresses.size();
            String address = addresses.get(index);
            try {
                T result = request.apply(channels.channel(address));
                preferred = index;
                return result;
            } catch (SluiceException e) {
                throw e;
            } catch (RuntimeException e) {
                SluiceException error = Errors.fromTransport(address, e);
                if (!(error instanceof BrokerUnavailableException)) {
                    throw error;
                }
                first = first == null ? error : first;
            }
        }
        throw first;
    }
}
