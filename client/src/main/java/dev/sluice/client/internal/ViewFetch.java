package dev.sluice.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.wire.GrpcMessages;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * {@link #fetch} is the {@code sluice.v1.Broker/Fetch} method (and {@link #fetchStream} its stream) with
 * {@code FetchResponseView} (the wire twin of {@code FetchResponse} that keeps each batch as bytes) as its response
 * type. The response is read out of gRPC's
 * buffers into one array, and its batches are parsed as slices of that array (protobuf aliasing), so a record's
 * bytes are copied only once more: by {@link RecordReader}, into the arrays the consumer hands out. The standard
 * marshaller parsed every {@code LogRecord} into a message with its own copies of key and value, which the
 * consumer then copied again. The array comes from the consumer's {@link FetchBuffers} and goes back there once all
 * of the response's records are handed out. The marshaller runs on gRPC threads.
 */
public final class ViewFetch {
    private ViewFetch() {
    }

    /** A parsed response and the lease of the array its batches alias (see {@link FetchBuffers}). */
    public record Leased(FetchResponseView view, FetchBuffers.Lease lease) {
    }

    /** The Fetch method, reading each response into an array from {@code buffers}. */
    public static MethodDescriptor<FetchRequest, Leased> fetch(FetchBuffers buffers) {
        return method(MethodDescriptor.MethodType.UNARY, BrokerGrpc.getFetchMethod().getFullMethodName(), buffers);
    }

    /** The FetchStream method, reading each response as {@link #fetch} does. */
    public static MethodDescriptor<FetchRequest, Leased> fetchStream(FetchBuffers buffers) {
        return method(MethodDescriptor.MethodType.BIDI_STREAMING,
                BrokerGrpc.getFetchStreamMethod().getFullMethodName(), buffers);
    }

    private static MethodDescriptor<FetchRequest, Leased> method(MethodDescriptor.MethodType type, String name,
                                                                 FetchBuffers buffers) {
        return MethodDescriptor.<FetchRequest, Leased>newBuilder()
                .setType(type)
                .setFullMethodName(name)
                .setRequestMarshaller(ProtoUtils.marshaller(FetchRequest.getDefaultInstance()))
                .setResponseMarshaller(new AliasingMarshaller(buffers))
                .build();
    }

    /**
     * Parses a serialized {@code FetchResponse} with its bytes fields aliasing {@code bytes}, which must not change.
     */
    static FetchResponseView parse(byte[] bytes) throws IOException {
        return parse(bytes, bytes.length);
    }

    /** Parses the first {@code length} bytes of {@code bytes}, as {@link #parse(byte[])}. */
    static FetchResponseView parse(byte[] bytes, int length) throws IOException {
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes, 0, length).newCodedInput();
        in.enableAliasing(true);
        return FetchResponseView.parseFrom(in);
    }

    /**
     * Reads a whole response into an array of {@code buffers}. A stream that does not know its length, or that holds
     * more than it announced, is read the ordinary way into an array of its own, which is not reused.
     */
    static Leased read(InputStream stream, FetchBuffers buffers) throws IOException {
        if (!(stream instanceof KnownLength)) {
            return new Leased(parse(GrpcMessages.readAll(stream)), FetchBuffers.Lease.unpooled());
        }
        int size = stream.available();
        byte[] array = buffers.take(size);
        GrpcMessages.readFully(stream, array, size);
        if (stream.available() != 0) {
            byte[] rest = stream.readAllBytes();
            byte[] all = Arrays.copyOf(array, size + rest.length);
            System.arraycopy(rest, 0, all, size, rest.length);
            buffers.give(array);
            return new Leased(parse(all), FetchBuffers.Lease.unpooled());
        }
        return new Leased(parse(array, size), buffers.lease(array));
    }

    private static final class AliasingMarshaller implements MethodDescriptor.Marshaller<Leased> {
        private final MethodDescriptor.Marshaller<FetchResponseView> standard =
                ProtoUtils.marshaller(FetchResponseView.getDefaultInstance());
        private final FetchBuffers buffers;

        AliasingMarshaller(FetchBuffers buffers) {
            this.buffers = buffers;
        }

        @Override
        public InputStream stream(Leased value) {
            return standard.stream(value.view());
        }

        @Override
        public Leased parse(InputStream stream) {
            try {
                return read(stream, buffers);
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("invalid Fetch response: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            }
        }
    }
}
