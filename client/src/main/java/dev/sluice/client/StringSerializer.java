package dev.sluice.client;

import java.nio.charset.StandardCharsets;

/** Serializes strings as UTF-8; null stays null. Stateless and thread-safe. */
public final class StringSerializer implements Serializer<String> {
    @Override
    public byte[] serialize(String topic, String data) {
        return data == null ? null : data.getBytes(StandardCharsets.UTF_8);
    }
}
