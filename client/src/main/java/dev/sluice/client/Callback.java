package dev.sluice.client;

/**
 * Completion callback of {@link Producer#send(ProducerRecord, Callback)}. Runs on the producer's
 * I/O thread, so it must be quick; callbacks of one partition run in send order.
 */
@FunctionalInterface
public interface Callback {
    /**
     * @param metadata where the record landed, or null when it failed
     * @param exception the failure, or null on success
     */
    void onCompletion(RecordMetadata metadata, Exception exception);
}
