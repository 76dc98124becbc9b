package dev.sluice.client;

import java.util.Objects;

/**
 * A record header: a string key and a byte value. The array is not copied; do not mutate it after
 * handing it to a producer.
 *
 * @param key the header name
 * @param value the header value, may be empty but not null
 */
public record Header(String key, byte[] value) {
    public Header {
        Objects.requireNonNull(key, "key");
        value = value == null ? new byte[0] : value;
    }
}
