package dev.sluice.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.log.LogConfig;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.TestBatches;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ListOffsetsPartition;
import dev.sluice.proto.v1.ListOffsetsPartitionResult;
import dev.sluice.proto.v1.ListOffsetsRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListOffsetsHandlerTest {

    @TempDir
    Path dir;

    private static ListOffsetsPartitionResult lookUp(ListOffsetsHandler handler, String topic, long timestampMs) {
        return handler.handle(ListOffsetsRequest.newBuilder()
                .addPartitions(ListOffsetsPartition.newBuilder().setTopic(topic).setTimestampMs(timestampMs))
                .build()).getResults(0);
    }

    @Test
    void answersEarliestLatestAndByTimestamp() {
        try (LogStore store = LogStore.open(dir)) {
            TestResolver resolver = new TestResolver(store).lead("t", 1, LogConfig.DEFAULT).ledBy("other", 3);
            PartitionLog log = resolver.log("t", 0);
            log.append(TestBatches.batch(2, 100), 1, 0);
            log.append(TestBatches.batch(2, 200), 1, 0);
            log.append(TestBatches.batch(2, 300), 1, 0);
            log.updateHighWatermark(4);
            log.maybeDeleteBefore(1);
            ListOffsetsHandler handler = new ListOffsetsHandler(resolver);

            assertThat(lookUp(handler, "t", -2).getOffset()).isEqualTo(1);
            assertThat(lookUp(handler, "t", -1).getOffset()).isEqualTo(4);
            assertThat(lookUp(handler, "t", 50).getOffset()).isEqualTo(1);
            ListOffsetsPartitionResult byTime = lookUp(handler, "t", 150);
            assertThat(byTime.getOffset()).isEqualTo(2);
            assertThat(byTime.getTimestampMs()).isEqualTo(200);
            // Offset 4 holds a matching batch, but it is above the high watermark.
            assertThat(lookUp(handler, "t", 250).getOffset()).isEqualTo(-1);
            assertThat(lookUp(handler, "t", -3).getError()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(lookUp(handler, "other", -1).getError()).isEqualTo(ErrorCode.NOT_LEADER);
            assertThat(lookUp(handler, "nope", -1).getError()).isEqualTo(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
    }
}
