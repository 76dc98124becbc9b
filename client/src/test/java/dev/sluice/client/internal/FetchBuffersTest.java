package dev.sluice.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.client.ByteArrayDeserializer;
import dev.sluice.client.ConsumerRecord;
import dev.sluice.client.TopicPartition;
import dev.sluice.proto.v1.FetchPartitionResult;
import dev.sluice.proto.v1.FetchResponse;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordBatchHeader;
import dev.sluice.proto.v1.Records;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FetchBuffersTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @Test
    void aGivenArrayIsTakenAgainWhenLargeEnoughAndTheSmallestGoesWhenNoneFits() {
        FetchBuffers buffers = new FetchBuffers();
        byte[] small = buffers.take(1);
        byte[] large = buffers.take(FetchBuffers.GRAIN + 1);
        assertThat(small).hasSize(FetchBuffers.GRAIN);
        assertThat(large).hasSize(2 * FetchBuffers.GRAIN);
        buffers.give(large);
        buffers.give(small);
        assertThat(buffers.take(10)).isSameAs(small);  // the tightest fit
        buffers.give(small);
        assertThat(buffers.take(FetchBuffers.GRAIN + 5)).isSameAs(large);
        byte[] huge = buffers.take(3 * FetchBuffers.GRAIN);  // none fits: a new one, and the small one is dropped
        assertThat(huge).isNotSameAs(small).hasSize(3 * FetchBuffers.GRAIN);
        assertThat(buffers.pooled()).isZero();
        for (int i = 0; i < FetchBuffers.MAX_POOLED + 2; i++) {
            buffers.give(new byte[8]);
        }
        assertThat(buffers.pooled()).isEqualTo(FetchBuffers.MAX_POOLED);
    }

    @Test
    void aLeaseReturnsItsArrayOnlyWhenTheLastHolderReleasesIt() {
        FetchBuffers buffers = new FetchBuffers();
        byte[] array = buffers.take(100);
        FetchBuffers.Lease lease = buffers.lease(array);
        lease.retain();
        lease.release();
        assertThat(buffers.pooled()).isZero();
        lease.release();
        assertThat(buffers.pooled()).isEqualTo(1);
        assertThatThrownBy(lease::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(lease::retain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aResponseReadIntoAReusedArrayParsesAndItsRecordsOutliveTheArray() throws Exception {
        FetchResponse response = response(25);
        FetchBuffers buffers = new FetchBuffers();
        byte[] dirty = buffers.take(response.getSerializedSize() * 3);
        Arrays.fill(dirty, (byte) 0x7f);  // leftovers of an earlier, longer response
        buffers.give(dirty);

        InputStream stream = ProtoUtils.marshaller(FetchResponse.getDefaultInstance()).stream(response);
        ViewFetch.Leased leased = ViewFetch.read(stream, buffers);
        assertThat(buffers.pooled()).isZero();
        List<ByteString> batches = leased.view().getResults(0).getBatchesList();
        assertThat(batches).containsExactlyElementsOf(
                response.getResults(0).getBatchesList().stream().map(RecordBatch::toByteString).toList());

        FetchedRecords fetched = new FetchedRecords(TP, 0, batches);
        fetched.hold(leased.lease());
        leased.lease().release();
        assertThat(buffers.pooled()).isZero();
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long next = 0;
        while (!fetched.isExhausted()) {
            next = fetched.drainTo(out, 10, next, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        fetched.release();
        assertThat(buffers.pooled()).isEqualTo(1);
        Arrays.fill(buffers.take(1), (byte) 0);  // the next response overwrites the array
        assertThat(out).hasSize(25);
        for (ConsumerRecord<byte[], byte[]> record : out) {
            assertThat(record.value()).isEqualTo(("value-" + record.offset()).getBytes());
        }
    }

    @Test
    void aStreamOfUnknownLengthIsReadIntoItsOwnArray() throws Exception {
        FetchResponse response = response(3);
        FetchBuffers buffers = new FetchBuffers();
        ViewFetch.Leased leased = ViewFetch.read(new ByteArrayInputStream(response.toByteArray()), buffers);
        assertThat(leased.view().getResults(0).getBatchesCount()).isEqualTo(1);
        leased.lease().release();
        assertThat(buffers.pooled()).isZero();
    }

    @Test
    void recordsCannotBeReleasedBeforeTheyAreAllRead() {
        FetchResponse response = response(3);
        ByteString batch = response.getResults(0).getBatches(0).toByteString();
        FetchedRecords fetched = new FetchedRecords(TP, 0, List.of(batch));
        assertThatThrownBy(fetched::release).isInstanceOf(IllegalStateException.class);
    }

    private static FetchResponse response(int records) {
        Records.Builder builder = Records.newBuilder();
        for (int i = 0; i < records; i++) {
            builder.addRecords(LogRecord.newBuilder().setValue(ByteString.copyFromUtf8("value-" + i)));
        }
        RecordBatch batch = RecordBatch.newBuilder().setHeader(RecordBatchHeader.newBuilder().setBaseOffset(0)
                .setRecordCount(records).setFirstTimestampMs(1_000)).setRecords(builder).build();
        return FetchResponse.newBuilder().addResults(FetchPartitionResult.newBuilder().setTopic("t").setPartition(0)
                .addBatches(batch)).build();
    }
}
