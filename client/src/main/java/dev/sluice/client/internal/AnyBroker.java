package dev.sluice.client.internal;

import dev.sluice.client.BrokerUnavailableException;
import dev.sluice.client.SluiceException;
import dev.sluice.client.TimeoutException;
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
        return call(request, false);
    }

    /**
     * {@link #call} for a request that must take effect at most once (a topic create, delete or config change). It
     * moves on to the next address only after a failure that proves the request never reached the broker (the
     * connection was never made). A call whose connection broke while it was in flight may have been forwarded to
     * the controller already, and the next broker would apply it a second time (the chaos metadata checker saw a
     * create, in flight when its broker was killed, resent to another broker and answered "already exists"); so it
     * is reported as a {@link TimeoutException}: the outcome is unknown.
     */
    public <T> T callAtMostOnce(Function<ManagedChannel, T> request) {
        return call(request, true);
    }

    private <T> T call(Function<ManagedChannel, T> request, boolean atMostOnce) {
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
                if (atMostOnce && Errors.mayHaveBeenDelivered(e)) {
                    throw new TimeoutException("the call to " + address + " failed after the request may have "
                            + "reached it (" + error.getMessage() + ")", e);
                }
                if (!(error instanceof BrokerUnavailableException)) {
                    throw error;
                }
                first = first == null ? error : first;
            }
        }
        throw first;
    }
}
