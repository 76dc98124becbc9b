package dev.sluice.client.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.FetchRequest;
import dev.sluice.wire.GrpcMessages;
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
                return ViewFetch.parse(GrpcMessages.readAll(stream));
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("invalid Fetch response: " + e.getMessage()).withCause(e)
                        .asRuntimeException();
            }
        }
    }
}
