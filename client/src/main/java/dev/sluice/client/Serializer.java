package dev.sluice.client;

/**
 * Turns a key or value into bytes. Implementations must be thread-safe: a producer calls them from
 * every thread that sends.
 *
 * @param <T> the type serialized
 */
@FunctionalInterface
public interface Serializer<T> {
    /**
     * @param topic the topic the record goes to
     * @param data the object, may be null
     * @return the bytes, or null for a null key or value
     */
    byte[] serialize(String topic, T data);
}
