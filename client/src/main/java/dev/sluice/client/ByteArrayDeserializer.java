package dev.sluice.client;

/** Passes byte arrays through unchanged (no copy). Stateless and thread-safe. */
public final class ByteArrayDeserializer implements Deserializer<byte[]> {
    @Override
    public byte[] deserialize(String topic, byte[] data) {
        return data;
    }
}
