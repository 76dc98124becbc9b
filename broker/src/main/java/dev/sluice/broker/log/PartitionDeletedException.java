package dev.sluice.broker.log;

/**
 * A mutation reached a {@link PartitionLog} after {@link LogStore#deletePartition} removed it: an expected race
 * with topic deletion, reported to clients as an unknown partition.
 */
public final class PartitionDeletedException extends RuntimeException {

    public PartitionDeletedException(PartitionKey key) {
        super("partition " + key + " was deleted");
    }
}
