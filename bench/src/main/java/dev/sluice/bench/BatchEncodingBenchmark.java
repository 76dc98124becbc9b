package dev.sluice.bench;

import dev.sluice.client.TopicPartition;
import dev.sluice.client.internal.ProducerBatch;
import dev.sluice.proto.v1.Codec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The producer's hot path: encoding 100-byte records into a batch buffer, then closing it (compression and CRC32C),
 * per codec. Reports batches per second; one batch holds what fits in 16 KiB uncompressed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchEncodingBenchmark {
    private static final TopicPartition PARTITION = new TopicPartition("bench", 0);

    @Param({"CODEC_NONE", "CODEC_LZ4", "CODEC_ZSTD", "CODEC_SNAPPY", "CODEC_GZIP"})
    public String codec;

    private byte[][] values;

    @Setup
    public void createValues() {
        SplittableRandom random = new SplittableRandom(0);
        values = new byte[1024][100];
        for (byte[] value : values) {
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) ('A' + random.nextInt(26));
            }
        }
    }

    @Benchmark
    public ProducerBatch encodeAndClose() {
        ProducerBatch batch = new ProducerBatch(PARTITION, new byte[16 * 1024 + 512], 16 * 1024, 0,
                Codec.valueOf(codec));
        int i = 0;
        while (batch.tryAppend(i, null, values[i & 1023], List.of(), null) != null) {
            i++;
        }
        batch.close();
        return batch;
    }
}
