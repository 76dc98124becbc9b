package dev.sluice.broker.log;

/**
 * An idempotent producer's batch was refused by the partition's sequence check (see {@link ProducerStates}).
 * Nothing was appended; {@link #reason()} says why.
 */
public final class ProducerSequenceException extends RuntimeException {

    /** Why the batch was refused. */
    public enum Reason {
        /** A sequence gap ({@code OUT_OF_ORDER_SEQUENCE_NUMBER}); the producer resends in order. */
        OUT_OF_ORDER,
        /** A stale producer epoch ({@code INVALID_PRODUCER_EPOCH}). */
        FENCED,
        /** No state for the producer id and a sequence other than 0 ({@code UNKNOWN_PRODUCER_ID}). */
        UNKNOWN_PRODUCER
    }

    private final Reason reason;

    ProducerSequenceException(PartitionKey key, String message, Reason reason) {
        super(message + " in " + key);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
