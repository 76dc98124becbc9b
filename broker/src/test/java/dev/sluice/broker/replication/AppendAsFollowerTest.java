package dev.sluice.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.broker.log.LogStore;
import dev.sluice.broker.log.PartitionKey;
import dev.sluice.broker.log.PartitionLog;
import dev.sluice.broker.log.PartitionState.LeaderEpochEntry;
import dev.sluice.broker.log.TestBatches;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendAsFollowerTest {

    private static final PartitionKey KEY = new PartitionKey(new UUID(1, 2), 0);

    @TempDir
    Path dir;

    @Test
    void storesLeaderBatchesByteForByteAndBuildsTheEpochCache() {
        try (LogStore leaderStore = LogStore.open(dir.resolve("leader"));
             LogStore followerStore = LogStore.open(dir.resolve("follower"))) {
            PartitionLog leader = leaderStore.partition(KEY);
            leader.append(TestBatches.batch(3), 0, 10);
            leader.append(TestBatches.batch(2), 2, 11);
            PartitionLog follower = followerStore.partition(KEY);
            List<ByteString> batches = leader.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches();
            batches.forEach(follower::appendAsFollower);
            assertThat(follower.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches()).isEqualTo(batches);
            assertThat(follower.state().leaderEpochs()).containsExactly(new LeaderEpochEntry(0, 0),
                    new LeaderEpochEntry(2, 3));
            assertThat(follower.logEndOffset()).isEqualTo(5);
            assertThat(follower.highWatermark()).isZero();
            assertThatThrownBy(() -> follower.appendAsFollower(batches.get(0)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("log end");
        }
    }

    @Test
    void truncateFullyRestartsAnEmptyLogAtTheGivenOffset() {
        try (LogStore store = LogStore.open(dir.resolve("store"))) {
            PartitionLog log = store.partition(KEY);
            log.append(TestBatches.batch(3), 0, 10);
            log.truncateFullyAndStartAt(40);
            assertThat(log.logStartOffset()).isEqualTo(40);
            assertThat(log.logEndOffset()).isEqualTo(40);
            assertThat(log.state().leaderEpochs()).isEmpty();
            assertThat(log.read(40, 1000, Long.MAX_VALUE).batches()).isEmpty();
        }
    }

    @Test
    void aPromotedFollowerAnswersARetryOfAReplicatedBatchAsADuplicate() {
        try (LogStore leaderStore = LogStore.open(dir.resolve("leader"));
             LogStore followerStore = LogStore.open(dir.resolve("follower"))) {
            PartitionLog leader = leaderStore.partition(KEY);
            leader.append(idempotent(0, 2), 0, 10);
            leader.append(idempotent(2, 3), 0, 11);
            PartitionLog follower = followerStore.partition(KEY);
            leader.read(0, Integer.MAX_VALUE, Long.MAX_VALUE).batches().forEach(follower::appendAsFollower);
            var retry = follower.append(idempotent(2, 3), 1, 12);
            assertThat(retry.duplicate()).as("the retry is not appended again").isTrue();
            assertThat(retry.baseOffset()).isEqualTo(2);
            assertThat(follower.logEndOffset()).isEqualTo(5);
            follower.truncateTo(2);
            assertThat(follower.append(idempotent(2, 3), 1, 13).duplicate())
                    .as("a truncated batch is forgotten, so its retry is appended").isFalse();
        }
    }

    private static dev.sluice.proto.internal.v1.RecordBatchView idempotent(int baseSequence, int count) {
        var batch = TestBatches.batch(count);
        return batch.toBuilder().setHeader(batch.getHeader().toBuilder().setProducerId(42).setProducerEpoch(0)
                .setBaseSequence(baseSequence)).build();
    }
}
