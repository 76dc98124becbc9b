package dev.sluice.client;

/**
 * Turns the bytes of a key or value back into an object. Called on the consumer's polling thread.
 *
 * @param <T> the type produced
 */
@FunctionalInterface
public interface Deserializer<T> {
    /**
     * @param topic the topic the record came from
     * @param data the bytes, null for an absent key or value
     * @return the object, may be null
     */
    T deserialize(String topic, byte[] data);
}
