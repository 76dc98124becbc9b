package dev.sluice.broker.rpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * Finds the {@code ErrorCode}s in a response message, so that errors can be counted by code for every API without
 * each service reporting its own. A response carries its codes (see STYLE.md, "Messages and errors") in a singular
 * {@code ErrorCode} field at the top level and in one such field of each element of its repeated result messages
 * (per topic or per partition); deeper levels are not searched.
 *
 * <p>Where those fields are depends only on the message type, so it is worked out once per type from the
 * descriptor and cached ({@link Shape}); counting a response then reads just those fields. The responses of the data
 * path (Produce, Fetch, ReplicaFetch: one per batch or long poll) are read with their generated getters instead, since
 * the descriptor's reflective reads cost about 1 % of a broker's CPU under produce load (async-profiler); a test
 * checks both ways find the same codes. Thread-safe.
 */
final class ResponseErrors {
    /**
     * Where a type keeps its codes; the elements of {@code results.get(i)} keep theirs in
     * {@code resultErrors.get(i)}.
     */
    private record Shape(FieldDescriptor error, List<FieldDescriptor> results, List<FieldDescriptor> resultErrors) {
        boolean isEmpty() {
            return error == null && results.isEmpty();
        }
    }

    private static final Shape NO_ERRORS = new Shape(null, List.of(), List.of());
    private static final ConcurrentMap<Descriptor, Shape> SHAPES = new ConcurrentHashMap<>();

    private ResponseErrors() {
    }

    /** Passes each code other than {@code NONE} in {@code response} to {@code onError}; not a message: none. */
    static void forEach(Object response, Consumer<ErrorCode> onError) {
        if (response instanceof ProduceResponse produce) {
            for (ProducePartitionResult result : produce.getResultsList()) {
                report(result.getErrorValue(), onError);
            }
        } else if (response instanceof FetchResponseView fetch) {
            for (FetchPartitionResultView result : fetch.getResultsList()) {
                report(result.getErrorValue(), onError);
            }
        } else if (response instanceof ReplicaFetchResponse replicaFetch) {
            report(replicaFetch.getErrorValue(), onError);
            for (ReplicaFetchPartitionResult result : replicaFetch.getPartitionsList()) {
                report(result.getErrorValue(), onError);
            }
        } else if (response instanceof Message message) {
            forEachByDescriptor(message, onError);
        }
        // Otherwise a response sent as pre-serialized bytes; its codes are not counted.
    }

    /** {@link #forEach} through the message's descriptor: any response type. */
    static void forEachByDescriptor(Message message, Consumer<ErrorCode> onError) {
        Shape shape = SHAPES.computeIfAbsent(message.getDescriptorForType(), ResponseErrors::shapeOf);
        if (shape.isEmpty()) {
            return;
        }
        if (shape.error() != null) {
            report(message, shape.error(), onError);
        }
        for (int i = 0; i < shape.results().size(); i++) {
            FieldDescriptor results = shape.results().get(i);
            FieldDescriptor resultError = shape.resultErrors().get(i);
            int count = message.getRepeatedFieldCount(results);
            for (int j = 0; j < count; j++) {
                report((Message) message.getRepeatedField(results, j), resultError, onError);
            }
        }
    }

    private static void report(Message message, FieldDescriptor field, Consumer<ErrorCode> onError) {
        report(((EnumValueDescriptor) message.getField(field)).getNumber(), onError);
    }

    private static void report(int number, Consumer<ErrorCode> onError) {
        if (number != ErrorCode.NONE_VALUE) {
            ErrorCode code = ErrorCode.forNumber(number);
            onError.accept(code == null ? ErrorCode.UNRECOGNIZED : code);
        }
    }

    private static Shape shapeOf(Descriptor type) {
        FieldDescriptor error = errorField(type);
        List<FieldDescriptor> results = new ArrayList<>();
        List<FieldDescriptor> resultErrors = new ArrayList<>();
        for (FieldDescriptor field : type.getFields()) {
            if (field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                FieldDescriptor nested = errorField(field.getMessageType());
                if (nested != null) {
                    results.add(field);
                    resultErrors.add(nested);
                }
            }
        }
        if (error == null && results.isEmpty()) {
            return NO_ERRORS;
        }
        return new Shape(error, List.copyOf(results), List.copyOf(resultErrors));
    }

    /** The first singular field of type {@code sluice.v1.ErrorCode}, or null. */
    private static FieldDescriptor errorField(Descriptor type) {
        for (FieldDescriptor field : type.getFields()) {
            if (!field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.ENUM
                    && field.getEnumType().equals(ErrorCode.getDescriptor())) {
                return field;
            }
        }
        return null;
    }
}
