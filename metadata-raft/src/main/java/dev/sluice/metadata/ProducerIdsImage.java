package dev.sluice.metadata;

/**
 * Producer id allocation state: the next producer id the controller hands out. Ids start at 1 (0 means "no producer
 * id" on the wire) and only grow. Immutable.
 */
public record ProducerIdsImage(long nextProducerId) {
    public static final long FIRST_PRODUCER_ID = 1;
    public static final ProducerIdsImage EMPTY = new ProducerIdsImage(FIRST_PRODUCER_ID);

    public ProducerIdsImage {
        if (nextProducerId < FIRST_PRODUCER_ID) {
            throw new IllegalStateException("next producer id " + nextProducerId + " is below " + FIRST_PRODUCER_ID);
        }
    }

    /** Writes the allocation state unless it is the initial one; the writing broker is unknown here, so -1. */
    public void write(ImageWriter writer) {
        if (!equals(EMPTY)) {
            writer.write(MetadataRecords.producerIds(-1, nextProducerId));
        }
    }
}
