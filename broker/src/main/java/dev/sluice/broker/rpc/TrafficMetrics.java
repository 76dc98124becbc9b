package dev.sluice.broker.rpc;

import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Bytes in and out per topic ({@code sluice_topic_bytes_in_total}, {@code sluice_topic_bytes_out_total}) and records
 * in per topic. Counted from batch sizes and headers only, so it adds no per-record work. Thread-safe.
 */
public final class TrafficMetrics {
    private static final String BYTES_IN_HELP =
            "bytes of record batches produced to this broker, per topic (as sent, compressed or not; replication"
                    + " not counted)";
    private static final String RECORDS_IN_HELP = "records produced to this broker, per topic (from batch headers)";
    private static final String BYTES_OUT_HELP =
            "bytes of record batches returned to consumers by this broker, per topic (replica fetches not counted)";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> bytesIn = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> bytesOut = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> recordsIn = new ConcurrentHashMap<>();

    public TrafficMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void recordProduced(ProduceRequestView request) {
        for (ProducePartitionView partition : request.getPartitionsList()) {
            counter(bytesIn, "sluice.topic.bytes.in", BYTES_IN_HELP, partition.getTopic())
                    .increment(partition.getBatch().getSerializedSize());
            counter(recordsIn, "sluice.topic.records.in", RECORDS_IN_HELP, partition.getTopic())
                    .increment(partition.getBatch().getHeader().getRecordCount());
        }
    }

    void recordFetched(FetchResponseView response) {
        for (FetchPartitionResultView result : response.getResultsList()) {
            long bytes = 0;
            for (int i = 0; i < result.getBatchesCount(); i++) {
                bytes += result.getBatches(i).size();
            }
            if (bytes > 0) {
                counter(bytesOut, "sluice.topic.bytes.out", BYTES_OUT_HELP, result.getTopic()).increment(bytes);
            }
        }
    }

    /** Removes a deleted topic's series so /metrics does not grow without bound. */
    public void forgetTopic(String topic) {
        for (ConcurrentMap<String, Counter> counters : java.util.List.of(bytesIn, bytesOut, recordsIn)) {
            Counter counter = counters.remove(topic);
            if (counter != null) {
                registry.remove(counter);
            }
        }
    }

    private Counter counter(ConcurrentMap<String, Counter> counters, String name, String help, String topic) {
        return counters.computeIfAbsent(topic,
                t -> Counter.builder(name).description(help).tag("topic", t).register(registry));
    }
}
