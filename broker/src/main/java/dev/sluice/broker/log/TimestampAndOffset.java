package dev.sluice.broker.log;

/**
 * Answer to a lookup by timestamp: the first batch whose max timestamp is at or after the target.
 *
 * @param timestampMs that batch's max timestamp, epoch milliseconds
 * @param offset its base offset, raised to the log start offset when the batch straddles it
 */
public record TimestampAndOffset(long timestampMs, long offset) { }
