package dev.sluice.bench;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.partition.HighWatermarkPolicy;
import dev.sluice.broker.partition.ProduceHandler;
import dev.sluice.broker.partition.ResolvedPartition;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
 * The broker's produce path below gRPC: parsing a serialized request through the view messages, validating the batch
 * (record count scan, CRC32C), assigning offsets and writing to RocksDB. One request holds one batch of 80 x 100-byte
 * records, as a client sends it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProducePathBenchmark {
    private Path dir;
    private LogStore store;
    private ProduceHandler handler;
    private byte[] requestBytes;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("sluice-jmh-");
        store = LogStore.open(dir);
        PartitionLog log = store.partition(new PartitionKey(UUID.randomUUID(), 0));
        handler = new ProduceHandler((topic, partition) -> ResolvedPartition.leader(log, LogConfig.DEFAULT, 0),
                HighWatermarkPolicy.SINGLE_REPLICA, Clock.systemUTC());
        Records.Builder records = Records.newBuilder();
        for (int i = 0; i < 80; i++) {
            records.addRecords(LogRecord.newBuilder().setValue(ByteString.copyFrom(new byte[100])));
        }
        RecordBatch batch = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setRecordCount(80)
                .setFirstTimestampMs(1).setMaxTimestampMs(1)).setRecords(records).build();
        requestBytes = ProduceRequest.newBuilder().setAcks(1).addPartitions(ProducePartition.newBuilder()
                .setTopic("bench").setPartition(0).setBatch(batch)).build().toByteArray();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public long parseValidateAppend() throws Exception {
        ProduceRequestView request = ProduceRequestView.parseFrom(requestBytes);
        return handler.handle(request).join().getResults(0).getBaseOffset();
    }
}
