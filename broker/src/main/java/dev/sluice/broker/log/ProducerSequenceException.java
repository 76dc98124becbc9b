package dev.sluice.broker.log;

/**
 * An idempotent producer's batch was refused by the partition's sequence check (see {@link ProducerStates}):
 * either its sequence is out of order ({@code OUT_OF_ORDER_SEQUENCE_NUMBER}, which the producer retries in order)
 * or its producer epoch is stale ({@code INVALID_PRODUCER_EPOCH}). Nothing was appended.
 */
public final class ProducerSequenceException extends RuntimeException {

    private final boolean fenced;

    ProducerSequenceException(PartitionKey key, String message, boolean fenced) {
        super(message + " in " + key);
        this.fenced = fenced;
    }

    /** Whether the producer epoch was stale (rather than the sequence out of order). */
    public boolean fenced() {
        return fenced;
    }
}
