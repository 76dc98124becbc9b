package dev.sluice.client;

import com.google.protobuf.Message;

/**
 * Writes protobuf messages in their wire format ({@link Message#toByteArray()}); null stays null. Thread-safe.
 *
 * @param <T> the message type
 */
public final class ProtobufSerializer<T extends Message> implements Serializer<T> {
    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : data.toByteArray();
    }
}
