package dev.sluice.client;

import dev.sluice.client.internal.BufferPool;
import dev.sluice.client.internal.ChannelPool;
import dev.sluice.client.internal.ConfigReader;
import dev.sluice.client.internal.Metadata;
import dev.sluice.client.internal.ProducerBatch;
import dev.sluice.client.internal.ProducerIdempotence;
import dev.sluice.client.internal.ProducerSettings;
import dev.sluice.client.internal.RecordAccumulator;
import dev.sluice.client.internal.RecordFuture;
import dev.sluice.client.internal.Sender;
import dev.sluice.client.internal.StickyPartitioner;
import dev.sluice.client.internal.Time;
import dev.sluice.wire.Murmur2Partitioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Sends records to Sluice topics, Kafka-style. Thread-safe: share one producer between threads.
 *
 * <p>{@link #send(ProducerRecord)} serializes the record, picks a partition (the record's own, else
 * murmur2 of the serialized key exactly as Kafka does, else a sticky partition for null keys), and appends
 * it to a per-partition batch. A background I/O thread sends a batch when it reaches {@code batch.size}
 * or has waited {@code linger.ms}, and retries retriable errors until {@code delivery.timeout.ms}. Three
 * ways to use it: fire-and-forget (ignore the future), synchronous ({@code send(r).get()}), asynchronous
 * ({@link #send(ProducerRecord, Callback)}; callbacks run on the I/O thread and must be quick).
 *
 * <p>{@link #flush()} and {@link #close()} deliver or fail every pending record; none is dropped silently.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Producer<K, V> implements AutoCloseable {
    private final ProducerSettings settings;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Time time;
    private final ChannelPool channels;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final Thread ioThread;
    private final StickyPartitioner stickyPartitioner;
    private volatile boolean closed;

    /**
     * @param config Kafka-style settings; see {@link ProducerConfig}
     * @throws IllegalArgumentException on a missing or invalid setting
     */
    public Producer(Map<String, Object> config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this(ProducerSettings.from(config), keySerializer, valueSerializer, Time.SYSTEM);
    }

    /** Same, from {@link Properties}. */
    public Producer(Properties config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this(ConfigReader.toMap(config), keySerializer, valueSerializer);
    }

    Producer(ProducerSettings settings, Serializer<K> keySerializer, Serializer<V> valueSerializer, Time time) {
        this.channels = new ChannelPool(settings.tls(), settings.sasl(), settings.clientId());
        this.settings = settings;
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.time = time;
        this.metadata = new Metadata(settings.bootstrapServers(), channels, time, settings.metadataMaxAgeMs(),
                settings.retryBackoffMs(), settings.requestTimeoutMs());
        ProducerIdempotence idempotence = settings.idempotent() ? new ProducerIdempotence() : null;
        this.accumulator = new RecordAccumulator(settings.batchSizeBytes(), settings.lingerMs(),
                new BufferPool(settings.bufferMemoryBytes(), settings.batchSizeBytes()), settings.codec(),
                idempotence, settings.maxInFlightPerBroker());
        this.sender = new Sender(settings, accumulator, metadata, channels, time, idempotence);
        this.stickyPartitioner = new StickyPartitioner(RandomGenerator.getDefault());
        this.ioThread = new Thread(sender, "sluice-producer-" + settings.clientId());
        this.ioThread.setDaemon(true);
        this.ioThread.start();
    }

    /** Sends a record; the future completes when it is acknowledged (per {@code acks}) or fails. */
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    /**
     * Sends a record and calls {@code callback} on completion. Blocks only while metadata for a new topic is
     * fetched or the buffer is full (at most {@code max.block.ms}). Failures (unknown topic, timeout,
     * record too large) complete the future exceptionally and reach the callback.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        if (closed) {
            throw new IllegalStateException("cannot send after the producer is closed");
        }
        Objects.requireNonNull(record, "record");
        TopicPartition tp = null;
        try {
            long startMs = time.milliseconds();
            int numPartitions = metadata.awaitPartitions(record.topic(), settings.maxBlockMs()).size();
            byte[] key = keySerializer.serialize(record.topic(), record.key());
            byte[] value = valueSerializer.serialize(record.topic(), record.value());
            long timestamp = record.timestamp() == null ? startMs : record.timestamp();
            checkSize(record.topic(), timestamp, key, value, record.headers());
            int partition = choosePartition(record, key, numPartitions);
            tp = new TopicPartition(record.topic(), partition);
            long remainingBlockMs = Math.max(0, settings.maxBlockMs() - (time.milliseconds() - startMs));
            boolean sticky = record.partition() == null && key == null;
            RecordAccumulator.AppendResult result = accumulator.append(tp, timestamp, key, value,
                    record.headers(), callback, startMs, sticky, remainingBlockMs);
            if (result.aborted()) {
                partition = stickyPartitioner.onNewBatch(record.topic(), numPartitions, partition);
                tp = new TopicPartition(record.topic(), partition);
                result = accumulator.append(tp, timestamp, key, value, record.headers(), callback, startMs, false,
                        remainingBlockMs);
            }
            if (result.batchFull() || result.newBatchCreated()) {
                sender.wakeup();
            }
            return result.future();
        } catch (SluiceException | IllegalArgumentException e) {
            return failed(record, tp, callback, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(record, tp, callback, new TimeoutException("interrupted while sending", e));
        }
    }

    private Future<RecordMetadata> failed(ProducerRecord<K, V> record, TopicPartition tp, Callback callback,
                                          RuntimeException error) {
        TopicPartition target = tp != null ? tp
                : new TopicPartition(record.topic(), record.partition() == null ? 0 : record.partition());
        if (callback != null) {
            callback.onCompletion(null, error);
        }
        return RecordFuture.failed(target, error);
    }

    private void checkSize(String topic, long timestamp, byte[] key, byte[] value, List<Header> headers) {
        int size = ProducerBatch.recordSize(0, key, value, headers);
        if (size > settings.maxRequestSizeBytes() || size > settings.bufferMemoryBytes()) {
            throw new RecordTooLargeException("the record to " + topic + " is " + size
                    + " bytes, more than max.request.size (" + settings.maxRequestSizeBytes() + ")");
        }
    }

    private int choosePartition(ProducerRecord<K, V> record, byte[] key, int numPartitions) {
        if (record.partition() != null) {
            if (record.partition() >= numPartitions) {
                throw new UnknownTopicException("partition " + record.partition() + " of topic " + record.topic()
                        + " does not exist (" + numPartitions + " partitions)");
            }
            return record.partition();
        }
        if (key != null) {
            return Murmur2Partitioner.partition(key, numPartitions);
        }
        return stickyPartitioner.partition(record.topic(), numPartitions);
    }

    /** Sends every buffered record now and waits until each is acknowledged or failed. */
    public void flush() {
        accumulator.beginFlush();
        try {
            sender.wakeup();
            for (ProducerBatch batch : accumulator.incompleteBatches()) {
                batch.result().await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted while flushing", e);
        } finally {
            accumulator.endFlush();
        }
    }

    /**
     * The partitions of {@code topic}, fetching metadata if needed (up to {@code max.block.ms}).
     *
     * @throws UnknownTopicException when the topic does not exist
     */
    public List<PartitionInfo> partitionsFor(String topic) {
        return metadata.awaitPartitions(topic, settings.maxBlockMs());
    }

    /** Delivers everything pending (waiting as long as it takes, bounded by delivery.timeout.ms), then stops. */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Delivers what it can within {@code timeout}; records still pending then fail with an exception
     * (their futures and callbacks see it). Idempotent.
     */
    public void close(Duration timeout) {
        closed = true;
        sender.initiateClose();
        try {
            if (Thread.currentThread() != ioThread) {
                ioThread.join(Math.max(1, Math.min(timeout.toMillis(), Long.MAX_VALUE / 2)));
                if (ioThread.isAlive()) {
                    sender.forceClose();
                    ioThread.join(TimeUnit.SECONDS.toMillis(5));
                }
            }
        } catch (InterruptedException e) {
            sender.forceClose();
            Thread.currentThread().interrupt();
        } finally {
            if (!ioThread.isAlive() || Thread.currentThread() == ioThread) {
                channels.close();
            }
        }
    }

    /**
     * A few producer metrics, Kafka-named: {@code compression-rate-avg} (bytes sent / bytes before compression,
     * so 0.25 means 4:1), {@code record-bytes-uncompressed-total} and {@code record-bytes-sent-total}; and quota
     * throttling: {@code produce-throttle-time-total}, {@code produce-throttle-time-max} (ms) and
     * {@code produce-throttled-responses-total}.
     */
    public Map<String, Double> metrics() {
        long[] bytes = sender.bytesSent();
        long[] throttle = sender.throttleTimes();
        return Map.of("compression-rate-avg", bytes[0] == 0 ? 1.0 : (double) bytes[1] / bytes[0],
                "record-bytes-uncompressed-total", (double) bytes[0], "record-bytes-sent-total", (double) bytes[1],
                "produce-throttle-time-total", (double) throttle[0], "produce-throttle-time-max", (double) throttle[1],
                "produce-throttled-responses-total", (double) throttle[2]);
    }

    /** The client id, for logs. */
    public String clientId() {
        return settings.clientId();
    }
}
