package dev.sluice.bench;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * RocksDB partition log: appending a batch of 80 x 100-byte records (offset assignment, batch + index + state in one
 * WriteBatch), and reading 1 MiB from the middle of the log, as a fetch does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PartitionLogBenchmark {
    private Path dir;
    private LogStore store;
    private PartitionLog log;
    private RecordBatchView batch;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sluice-jmh-");
        store = LogStore.open(dir);
        log = store.partition(new PartitionKey(UUID.randomUUID(), 0));
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < 80; i++) {
            records.addRecords(LogRecord.newBuilder().setValue(ByteString.copyFrom(new byte[100])));
        }
        batch = RecordBatchView.newBuilder()
                .setHeader(RecordBatchHeader.newBuilder().setRecordCount(80).setFirstTimestampMs(1)
                        .setMaxTimestampMs(1))
                .setRecords(records.build().toByteString()).build();
        for (int i = 0; i < 2_000; i++) {
            log.append(batch, 0, 1);
        }
        log.updateHighWatermark(log.logEndOffset());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public long append() {
        return log.append(batch, 0, 1).baseOffset();
    }

    @Benchmark
    public int readOneMebibyte() {
        return log.read(log.highWatermark() / 2, 1 << 20, log.highWatermark()).batches().size();
    }
}
