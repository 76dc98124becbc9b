package dev.sluice.broker.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.sluice.wire.GrpcMessages;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * A protobuf marshaller whose parsed messages keep their {@code bytes} fields as slices of one array holding the
 * received message (protobuf aliasing), instead of a copy per field. For Produce (a request) and ReplicaFetch (a
 * response, on the follower): the batch bytes then go from the gRPC frame into that array and from there into the
 * stored batch, one copy fewer than with gRPC's standard marshaller (which reads the frame into a reused buffer and
 * copies every {@code bytes} field out of it). In a package of its own, outside the broker's layers, so that both
 * {@code rpc} and {@code replication} can use it.
 *
 * <p>The array is fresh per message and never written after the parse, so the slices stay valid for as long as the
 * message is referenced. Serializing is the standard marshaller's. A message that does not parse fails as gRPC's own
 * marshaller fails it ({@code INTERNAL}, with protobuf's exception as the cause, which {@code rpc.MalformedRequests}
 * reports). Stateless and thread-safe.
 */
public final class AliasingMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {
    private final MethodDescriptor.Marshaller<T> standard;
    private final Parser<T> parser;

    @SuppressWarnings("unchecked")
    public AliasingMarshaller(T defaultInstance) {
        this.standard = ProtoUtils.marshaller(defaultInstance);
        this.parser = (Parser<T>) defaultInstance.getParserForType();
    }

    @Override
    public InputStream stream(T value) {
        return standard.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(GrpcMessages.readAll(stream));
            in.enableAliasing(true);
            T message = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL.withDescription("Failed to read the message").withCause(e).asRuntimeException();
        }
    }
}
