package dev.sluice.broker.rpc;

import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request whose bytes do not parse as its message with {@code INVALID_ARGUMENT} and a one-line description,
 * and logs such requests at most once a minute, without a stack trace.
 *
 * <p>Why: gRPC parses a request with its method's marshaller before any interceptor or handler sees it, and treats a
 * failure as an application error: the client got {@code UNKNOWN} and the server log a stack trace for every such
 * request (garbage in place of a record batch, say), which lets one bad client flood the log.
 *
 * <p>How: {@link #guard} binds each method of a service again with a pass-through request marshaller, so the call
 * hands over the raw message stream; the call's listener parses it with the method's own marshaller, where a failure
 * can be answered. The parse is the same as before (same marshaller, same stream), so valid requests cost nothing
 * more. Responses are untouched.
 *
 * <p>Threads: gRPC delivers one call's listener events one at a time; the warning limit is shared and synchronized.
 */
public final class MalformedRequests {
    /** At most one warning per this interval; the rest are counted and logged at DEBUG. */
    static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);

    private static final MethodDescriptor.Marshaller<InputStream> UNPARSED = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    };

    private final LongSupplier nanoTime;
    private boolean warnedBefore;
    private long nextWarningNanos;
    private long suppressedWarnings;

    /** @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests) */
    public MalformedRequests(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** {@code service} with every method guarded. */
    public ServerServiceDefinition guard(BindableService service) {
        return guard(service.bindService());
    }

    /** {@code service} with every method guarded; its name and method names are unchanged. */
    public ServerServiceDefinition guard(ServerServiceDefinition service) {
        ServerServiceDefinition.Builder guarded =
                ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
        service.getMethods().forEach(method -> guarded.addMethod(guardMethod(method)));
        return guarded.build();
    }

    private <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> guardMethod(
            ServerMethodDefinition<ReqT, RespT> definition) {
        MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
        MethodDescriptor<InputStream, RespT> unparsed = method.toBuilder(UNPARSED, method.getResponseMarshaller())
                .build();
        ServerCallHandler<ReqT, RespT> handler = definition.getServerCallHandler();
        return ServerMethodDefinition.create(unparsed, (call, headers) -> {
            ServerCall.Listener<ReqT> listener = handler.startCall(new ParsedCall<>(call, method), headers);
            return new ParsingListener<>(call, method, listener);
        });
    }

    /** Closes {@code call} with INVALID_ARGUMENT and logs it within the warning limit. */
    private void refuse(ServerCall<InputStream, ?> call, MethodDescriptor<?, ?> method, RuntimeException failure) {
        String description = "malformed " + method.getFullMethodName() + " request: " + reason(failure);
        long suppressed = admitWarning(nanoTime.getAsLong());
        Object remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (suppressed >= 0) {
            log.warn("Refused a {} from {}{}", description, remote, suppressed == 0 ? ""
                    : " (" + suppressed + " more malformed requests since the last warning)");
        } else {
            log.debug("Refused a {} from {}", description, remote);
        }
        call.close(Status.INVALID_ARGUMENT.withDescription(description), new Metadata());
    }

    /**
     * Whether a warning may be logged now.
     *
     * @return the number of warnings suppressed since the last one logged, or -1 when this one is suppressed too
     */
    synchronized long admitWarning(long nowNanos) {
        if (warnedBefore && nowNanos - nextWarningNanos < 0) {
            suppressedWarnings++;
            return -1;
        }
        long suppressed = suppressedWarnings;
        warnedBefore = true;
        nextWarningNanos = nowNanos + WARNING_INTERVAL_NANOS;
        suppressedWarnings = 0;
        return suppressed;
    }

    /** The parser's own words (protobuf's InvalidProtocolBufferException), not the marshaller's wrapper. */
    private static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return String.valueOf(failure.getMessage());
    }

    /**
     * The listener of a guarded call: parses each message and hands it on; after a refusal the call is closed, so
     * nothing more reaches the handler but the end of the call (its half-close would make a unary handler close the
     * call a second time).
     */
    private final class ParsingListener<ReqT> extends ServerCall.Listener<InputStream> {
        private final ServerCall<InputStream, ?> call;
        private final MethodDescriptor<ReqT, ?> method;
        private final ServerCall.Listener<ReqT> delegate;
        private boolean refused;

        ParsingListener(ServerCall<InputStream, ?> call, MethodDescriptor<ReqT, ?> method,
                        ServerCall.Listener<ReqT> delegate) {
            this.call = call;
            this.method = method;
            this.delegate = delegate;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                return;
            }
            ReqT request;
            try {
                request = method.parseRequest(message);
            } catch (RuntimeException e) {
                refused = true;
                refuse(call, method, e);
                return;
            }
            delegate.onMessage(request);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }

        @Override
        public void onReady() {
            if (!refused) {
                delegate.onReady();
            }
        }
    }

    /** The call as the original handler sees it: typed by the original method, forwarding everything else. */
    private static final class ParsedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
        private final ServerCall<InputStream, RespT> delegate;
        private final MethodDescriptor<ReqT, RespT> method;

        ParsedCall(ServerCall<InputStream, RespT> delegate, MethodDescriptor<ReqT, RespT> method) {
            this.delegate = delegate;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            delegate.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            delegate.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            delegate.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            delegate.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return delegate.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            delegate.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            delegate.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            delegate.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return delegate.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return delegate.getAttributes();
        }

        @Override
        public String getAuthority() {
            return delegate.getAuthority();
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }
}
