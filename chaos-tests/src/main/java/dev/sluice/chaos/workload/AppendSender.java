package dev.sluice.chaos.workload;

/**
 * One producer of the append workload, over one of the protocols Sluice serves: Sluice's own client on the gRPC port
 * ({@link SluiceAppendSender}) or Apache Kafka's Java client on the Kafka listener ({@link KafkaAppendSender}). Both
 * are idempotent with {@code acks=all}, so the same checker judges both. Used by one producer thread; completions
 * arrive on the client's own thread.
 */
interface AppendSender extends AutoCloseable {
    /** Where an acknowledged record was written, or why the send failed (and whether certainly). */
    interface Completion {
        void acknowledged(int partition, long offset);

        void failed(Throwable error, boolean definite);
    }

    /** Sends one record; {@code completion} is called exactly once, possibly before this returns. */
    void send(String topic, String key, String value, Completion completion);

    @Override
    void close();
}
