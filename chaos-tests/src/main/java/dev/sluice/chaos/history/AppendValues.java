package dev.sluice.chaos.history;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The values the append workload writes, and how the checkers read them back (pure). A value is
 * {@code "<producer>-<seq>#<crc>"}: the producer's name, its sequence number (0, 1, ... per producer) and the CRC32C
 * of {@code "<producer>-<seq>"} as 8 lower-case hex digits. The checksum lets a checker tell a record whose bytes
 * changed on the way (a flipped bit on disk, a torn write) from one that was never sent: any change to the value,
 * including to the checksum itself, makes {@link #decode} return empty.
 */
public final class AppendValues {
    private static final char CHECKSUM_SEPARATOR = '#';
    private static final int CHECKSUM_DIGITS = 8;

    /** A value's identity: who sent it, and its place in that producer's sequence. */
    public record Identity(String producer, long seq) {
        @Override
        public String toString() {
            return producer + "-" + seq;
        }
    }

    private AppendValues() {
    }

    public static String encode(String producer, long seq) {
        String identity = producer + "-" + seq;
        return identity + CHECKSUM_SEPARATOR + checksum(identity);
    }

    /** The identity of an intact value; empty when the value is corrupt or was not written by {@link #encode}. */
    public static Optional<Identity> decode(String value) {
        if (value == null) {
            return Optional.empty();
        }
        int separator = value.lastIndexOf(CHECKSUM_SEPARATOR);
        if (separator <= 0 || value.length() - separator - 1 != CHECKSUM_DIGITS) {
            return Optional.empty();
        }
        String identity = value.substring(0, separator);
        if (!checksum(identity).equals(value.substring(separator + 1))) {
            return Optional.empty();
        }
        int dash = identity.lastIndexOf('-');
        if (dash <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Identity(identity.substring(0, dash), Long.parseLong(identity.substring(dash + 1))));
        } catch (NumberFormatException notASequence) {
            return Optional.empty();
        }
    }

    private static String checksum(String identity) {
        CRC32C crc = new CRC32C();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
