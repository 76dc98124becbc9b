package dev.sluice.broker.replication;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.UUID;

/** Topic ids on the wire: 16 bytes, most significant half first. Pure. */
final class TopicIdBytes {

    private TopicIdBytes() {
    }

    static ByteString encode(UUID id) {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array());
    }

    /** @throws IllegalArgumentException when {@code bytes} is not 16 bytes long */
    static UUID decode(ByteString bytes) {
        if (bytes.size() != 16) {
            throw new IllegalArgumentException("a topic id has 16 bytes, got " + bytes.size());
        }
        ByteBuffer buffer = bytes.asReadOnlyByteBuffer();
        return new UUID(buffer.getLong(), buffer.getLong());
    }
}
