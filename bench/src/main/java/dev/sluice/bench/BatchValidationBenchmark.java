package dev.sluice.bench;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.partition.BatchValidator;
import dev.sluice.broker.partition.ValidationResult;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.Codec;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import dev.sluice.wire.BatchChecksum;
import dev.sluice.wire.BatchCompression;
import java.nio.charset.StandardCharsets;
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
 * The broker's validation of one produced batch (80 records of about 100 bytes of JSON-like text, with a key and a
 * timestamp delta, CRC set as the Java client sets it), per codec: the CRC, the decompression of a compressed batch
 * and the record-by-record structure walk. Run e.g. {@code bench/run-jmh.sh -f 1 -wi 3 -i 5 BatchValidation}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchValidationBenchmark {
    private static final int RECORDS = 80;

    @Param({"CODEC_NONE", "CODEC_GZIP", "CODEC_SNAPPY", "CODEC_LZ4", "CODEC_ZSTD"})
    public String codec;

    private RecordBatchView batch;

    @Setup
    public void build() {
        SplittableRandom random = new SplittableRandom(7);
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < RECORDS; i++) {
            String value = "{\"id\":" + random.nextInt(1_000_000) + ",\"name\":\"member-" + random.nextInt(97)
                    + "\",\"event\":\"signup\",\"score\":" + random.nextInt(1000) + ",\"tags\":[\"a\",\"b\"]}";
            records.addRecords(LogRecord.newBuilder().setKey(ByteString.copyFromUtf8("key-" + i))
                    .setValue(ByteString.copyFrom(value, StandardCharsets.UTF_8)).setTimestampDeltaMs(i));
        }
        byte[] plain = records.build().toByteArray();
        Codec chosen = Codec.valueOf(codec);
        ByteString payload = chosen == Codec.CODEC_NONE ? ByteString.copyFrom(plain)
                : ByteString.copyFrom(BatchCompression.compress(chosen, plain, plain.length));
        RecordBatchHeader header = RecordBatchHeader.newBuilder().setRecordCount(RECORDS).setFirstTimestampMs(1000)
                .setMaxTimestampMs(1000 + RECORDS - 1).setCodec(chosen).setCrc32C(BatchChecksum.crc32c(payload))
                .build();
        RecordBatchView.Builder view = RecordBatchView.newBuilder().setHeader(header);
        batch = chosen == Codec.CODEC_NONE ? view.setRecords(payload).build()
                : view.setCompressedRecords(payload).build();
        if (!(BatchValidator.validate(batch, LogConfig.DEFAULT_MAX_MESSAGE_BYTES) instanceof ValidationResult.Valid)) {
            throw new IllegalStateException("the benchmark batch must be valid");
        }
    }

    @Benchmark
    public ValidationResult validate() {
        return BatchValidator.validate(batch, LogConfig.DEFAULT_MAX_MESSAGE_BYTES);
    }
}
