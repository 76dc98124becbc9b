package dev.sluice.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.sluice.proto.v1.ErrorCode;
import java.util.Objects;

/**
 * Reads protobuf messages with the message type's parser, e.g.
 * {@code new ProtobufDeserializer<>(Order.parser())}; null stays null. Thread-safe (generated parsers are).
 *
 * @param <T> the message type
 */
public final class ProtobufDeserializer<T> implements Deserializer<T> {
    private final Parser<T> parser;

    public ProtobufDeserializer(Parser<T> parser) {
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return parser.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SluiceException(ErrorCode.INVALID_RECORD,
                    "cannot parse a protobuf message from topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
