package dev.sluice.client.internal;

import dev.sluice.client.RecordMetadata;
import dev.sluice.client.TopicPartition;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The future {@code Producer.send} returns: a view of one record (its index in the batch and its
 * timestamp) over the batch's shared {@link BatchResult}. Thread-safe; cannot be cancelled.
 */
public final class RecordFuture implements Future<RecordMetadata> {
    private final BatchResult result;
    private final TopicPartition partition;
    private final int index;
    private final long timestampMs;

    public RecordFuture(BatchResult result, TopicPartition partition, int index, long timestampMs) {
        this.result = result;
        this.partition = partition;
        this.index = index;
        this.timestampMs = timestampMs;
    }

    /** A future already failed with {@code error}, for records rejected before they reach a batch. */
    public static RecordFuture failed(TopicPartition partition, RuntimeException error) {
        BatchResult result = new BatchResult();
        result.fail(error);
        return new RecordFuture(result, partition, 0, -1);
    }

    /** The metadata once the batch succeeded; undefined before. */
    public RecordMetadata metadataNow() {
        return metadata(result, partition, index, timestampMs);
    }

    /** The metadata of the record at {@code index} of a succeeded batch. */
    static RecordMetadata metadata(BatchResult result, TopicPartition partition, int index, long timestampMs) {
        long base = result.baseOffset();
        long appendTime = result.logAppendTimeMs();
        return new RecordMetadata(partition.topic(), partition.partition(), base < 0 ? -1 : base + index,
                appendTime > 0 ? appendTime : timestampMs);
    }

    /** The failure, or null. */
    public RuntimeException error() {
        return result.error();
    }

    @Override
    public RecordMetadata get() throws InterruptedException, ExecutionException {
        result.await();
        return value();
    }

    @Override
    public RecordMetadata get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!result.await(timeout, unit)) {
            throw new TimeoutException("record not acknowledged within " + unit.toMillis(timeout) + " ms");
        }
        return value();
    }

    private RecordMetadata value() throws ExecutionException {
        RuntimeException error = result.error();
        if (error != null) {
            throw new ExecutionException(error.getMessage(), error);
        }
        return metadataNow();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean isDone() {
        return result.isDone();
    }
}
