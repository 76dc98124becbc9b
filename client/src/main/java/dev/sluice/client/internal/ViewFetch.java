package dev.sluice.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.FetchRequest;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@link #FETCH} is the {@code sluice.v1.Broker/Fetch} method with {@code FetchResponseView} (the wire twin of
 * {@code FetchResponse} that keeps each batch as bytes) as its response type. The response is read out of gRPC's
 * buffers into one array, and its batches are parsed as slices of that array (protobuf aliasing), so a record's
 * bytes are copied only once more: by {@link RecordReader}, into the arrays the consumer hands out. The standard
 * marshaller parsed every {@code LogRecord} into a message with its own copies of key and value, which the
 * consumer then copied again. Stateless; the marshaller runs on gRPC threads.
 */
public final class ViewFetch {
    public static final MethodDescriptor<FetchRequest, FetchResponseView> FETCH =
            MethodDescriptor.<FetchRequest, FetchResponseView>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(BrokerGrpc.getFetchMethod().getFullMethodName())
                    .setRequestMarshaller(ProtoUtils.marshaller(FetchRequest.getDefaultInstance()))
                    .setResponseMarshaller(new AliasingMarshaller())
                    .build();

    private ViewFetch() {
    }

    /**
     * Parses a serialized {@code FetchResponse} with its bytes fields aliasing {@code bytes}, which must not change.
     */
    static FetchResponseView parse(byte[] bytes) throws IOException {
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
        in.enableAliasing(true);
        return FetchResponseView.parseFrom(in);
    }

    private static final class AliasingMarshaller implements MethodDescriptor.Marshaller<FetchResponseView> {
        private final MethodDescriptor.Marshaller<FetchResponseView> standard =
                ProtoUtils.marshaller(FetchResponseView.getDefaultInstance());

        @Override
        public InputStream stream(FetchResponseView value) {
            return standard.stream(value);
        }

        @Override
        public FetchResponseView parse(InputStream stream) {
            try {
                return ViewFetch.parse(readAll(stream));
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("invalid Fetch response: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            }
        }

        private static byte[] readAll(InputStream stream) throws IOException {
            if (!(stream instanceof KnownLength)) {
                return stream.readAllBytes();
            }
            // One read into an array of the exact size: InputStream.readNBytes reads in 8 KiB chunks and joins them, a
            // second copy of the whole response.
            byte[] bytes = new byte[stream.available()];
            int read = 0;
            while (read < bytes.length) {
                int n = stream.read(bytes, read, bytes.length - read);
                if (n < 0) {
                    throw new java.io.EOFException("message ended after " + read + " of " + bytes.length + " bytes");
                }
                read += n;
            }
            if (stream.available() == 0) {
                return bytes;  // readAllBytes would still allocate an 8 KiB buffer to find nothing
            }
            byte[] rest = stream.readAllBytes();
            if (rest.length == 0) {
                return bytes;
            }
            byte[] all = java.util.Arrays.copyOf(bytes, bytes.length + rest.length);
            System.arraycopy(rest, 0, all, bytes.length, rest.length);
            return all;
        }
    }
}
