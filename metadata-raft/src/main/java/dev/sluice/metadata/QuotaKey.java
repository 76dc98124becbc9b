package dev.sluice.metadata;

import java.util.Optional;

/**
 * The quota keys, with Kafka's names. Byte rates are in bytes per second, whole numbers above 0; the request
 * percentage is the share of one request handler thread's time per second, in percent, above 0 (it may exceed 100
 * for a client that keeps several threads busy).
 */
public enum QuotaKey {
    PRODUCER_BYTE_RATE("producer_byte_rate"),
    CONSUMER_BYTE_RATE("consumer_byte_rate"),
    REQUEST_PERCENTAGE("request_percentage");

    private final String keyName;

    QuotaKey(String keyName) {
        this.keyName = keyName;
    }

    public String keyName() {
        return keyName;
    }

    public static Optional<QuotaKey> of(String keyName) {
        for (QuotaKey key : values()) {
            if (key.keyName.equals(keyName)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** Why {@code value} is not a valid value of this key, or null when it is. */
    public String invalidValue(double value) {
        if (!Double.isFinite(value) || value <= 0) {
            return keyName + " must be above 0, not " + value;
        }
        if (this != REQUEST_PERCENTAGE && (value != Math.rint(value) || value > Long.MAX_VALUE)) {
            return keyName + " must be a whole number of bytes per second, not " + value;
        }
        return null;
    }
}
