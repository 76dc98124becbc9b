package dev.sluice.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.Type;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ProducePartitionView;
import dev.sluice.proto.internal.v1.ProduceRequestView;
import dev.sluice.proto.internal.v1.RecordBatchView;
import dev.sluice.proto.v1.FetchPartitionResult;
import dev.sluice.proto.v1.FetchResponse;
import dev.sluice.proto.v1.LogRecord;
import dev.sluice.proto.v1.ProducePartition;
import dev.sluice.proto.v1.ProduceRequest;
import dev.sluice.proto.v1.RecordBatch;
import dev.sluice.proto.v1.RecordHeader;
import dev.sluice.proto.v1.Records;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-written encoders and decoders assume more than a field's number: its declared type (a {@code sint64} has
 * the varint wire type of an {@code int64} but another encoding), that it fits a one-byte tag, and that the broker's
 * view messages read the same bytes as their public twins. Each assumption is checked against the descriptors protoc
 * generated, so a change to a {@code .proto} file that would silently break them fails here instead.
 */
class BatchFieldsTest {
    /** A constant of {@link BatchFields}, the field it stands for and the type the hand-written code assumes. */
    private record Expected(int number, Descriptor message, String field, Type type) {
    }

    private static final List<Expected> FIELDS = List.of(
            new Expected(BatchFields.PRODUCE_REQUEST_ACKS, ProduceRequest.getDescriptor(), "acks", Type.INT32),
            new Expected(BatchFields.PRODUCE_REQUEST_TIMEOUT_MS, ProduceRequest.getDescriptor(), "timeout_ms",
                    Type.INT32),
            new Expected(BatchFields.PRODUCE_REQUEST_PARTITIONS, ProduceRequest.getDescriptor(), "partitions",
                    Type.MESSAGE),
            new Expected(BatchFields.PRODUCE_PARTITION_TOPIC, ProducePartition.getDescriptor(), "topic", Type.STRING),
            new Expected(BatchFields.PRODUCE_PARTITION_PARTITION, ProducePartition.getDescriptor(), "partition",
                    Type.INT32),
            new Expected(BatchFields.PRODUCE_PARTITION_BATCH, ProducePartition.getDescriptor(), "batch", Type.MESSAGE),
            new Expected(BatchFields.BATCH_HEADER, RecordBatch.getDescriptor(), "header", Type.MESSAGE),
            new Expected(BatchFields.BATCH_RECORDS, RecordBatch.getDescriptor(), "records", Type.MESSAGE),
            new Expected(BatchFields.BATCH_COMPRESSED_RECORDS, RecordBatch.getDescriptor(), "compressed_records",
                    Type.BYTES),
            new Expected(BatchFields.RECORDS_RECORD, Records.getDescriptor(), "records", Type.MESSAGE),
            new Expected(BatchFields.RECORD_KEY, LogRecord.getDescriptor(), "key", Type.BYTES),
            new Expected(BatchFields.RECORD_VALUE, LogRecord.getDescriptor(), "value", Type.BYTES),
            new Expected(BatchFields.RECORD_HEADERS, LogRecord.getDescriptor(), "headers", Type.MESSAGE),
            new Expected(BatchFields.RECORD_TIMESTAMP_DELTA_MS, LogRecord.getDescriptor(), "timestamp_delta_ms",
                    Type.INT64),
            new Expected(BatchFields.RECORD_OFFSET_DELTA, LogRecord.getDescriptor(), "offset_delta", Type.INT32),
            new Expected(BatchFields.HEADER_KEY, RecordHeader.getDescriptor(), "key", Type.STRING),
            new Expected(BatchFields.HEADER_VALUE, RecordHeader.getDescriptor(), "value", Type.BYTES));

    @Test
    void everyFieldHasTheNumberAndTypeTheHandWrittenCodeAssumes() {
        for (Expected expected : FIELDS) {
            FieldDescriptor field = expected.message().findFieldByName(expected.field());
            assertThat(field).as("%s.%s", expected.message().getName(), expected.field()).isNotNull();
            assertThat(field.getNumber()).as(field.getFullName()).isEqualTo(expected.number());
            assertThat(field.getType()).as(field.getFullName()).isEqualTo(expected.type());
            assertThat(field.getNumber()).as(field.getFullName() + " fits a one-byte tag")
                    .isBetween(1, BatchFields.MAX_ONE_BYTE_TAG_FIELD);
        }
    }

    @Test
    void theLargestOneByteTagFieldIsFifteen() {
        assertThat(Wire.tag(BatchFields.MAX_ONE_BYTE_TAG_FIELD, 7)).isLessThan(0x80);
        assertThat(Wire.tag(BatchFields.MAX_ONE_BYTE_TAG_FIELD + 1, 0)).isGreaterThanOrEqualTo(0x80);
    }

    @Test
    void everyViewReadsTheSameFieldsAsItsPublicTwin() {
        List<Descriptor[]> twins = List.of(
                new Descriptor[] {RecordBatchView.getDescriptor(), RecordBatch.getDescriptor()},
                new Descriptor[] {ProduceRequestView.getDescriptor(), ProduceRequest.getDescriptor()},
                new Descriptor[] {ProducePartitionView.getDescriptor(), ProducePartition.getDescriptor()},
                new Descriptor[] {FetchResponseView.getDescriptor(), FetchResponse.getDescriptor()},
                new Descriptor[] {FetchPartitionResultView.getDescriptor(), FetchPartitionResult.getDescriptor()});
        for (Descriptor[] twin : twins) {
            Descriptor view = twin[0];
            Descriptor original = twin[1];
            assertThat(view.getFields()).as(view.getName()).hasSameSizeAs(original.getFields());
            for (FieldDescriptor field : view.getFields()) {
                FieldDescriptor same = original.findFieldByNumber(field.getNumber());
                assertThat(same).as("%s field %d", original.getName(), field.getNumber()).isNotNull();
                assertThat(same.getName()).as(field.getFullName()).isEqualTo(field.getName());
                assertThat(same.isRepeated()).as(field.getFullName()).isEqualTo(field.isRepeated());
                assertThat(same.getLiteType().getWireType()).as(field.getFullName())
                        .isEqualTo(field.getLiteType().getWireType());
                if (field.getType() != Type.BYTES || same.getType() != Type.MESSAGE) {
                    // A view may read a message as its bytes; anything else must be the very same type.
                    assertThat(same.getType()).as(field.getFullName()).isEqualTo(field.getType());
                }
            }
        }
    }
}
