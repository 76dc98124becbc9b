package dev.sluice.client.internal;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import dev.sluice.proto.v1.BrokerGrpc;
import dev.sluice.proto.v1.ProduceResponse;
import dev.sluice.wire.BatchFields;
import dev.sluice.wire.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code ProduceRequest} already in protobuf wire format, as a list of byte segments: small
 * hand-written prefixes (request fields, topic, partition, batch header) around each batch's encoded
 * records, which are streamed from the batch buffer without copying into a message object.
 * {@link #PRODUCE} is the {@code sluice.v1.Broker/Produce} method with this as its request type; the
 * broker sees an ordinary {@code ProduceRequest} (field numbers: {@link BatchFields}). Immutable once built;
 * read by the gRPC thread.
 */
public final class EncodedProduceRequest {
    /** Broker/Produce with a request marshaller that streams the segments. */
    public static final MethodDescriptor<EncodedProduceRequest, ProduceResponse> PRODUCE =
            MethodDescriptor.<EncodedProduceRequest, ProduceResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(BrokerGrpc.getProduceMethod().getFullMethodName())
                    .setRequestMarshaller(new Marshaller())
                    .setResponseMarshaller(ProtoUtils.marshaller(ProduceResponse.getDefaultInstance()))
                    .build();
    /** Broker/ProduceStream, with the same marshallers. */
    static final MethodDescriptor<EncodedProduceRequest, ProduceResponse> PRODUCE_STREAM =
            PRODUCE.toBuilder().setType(MethodDescriptor.MethodType.BIDI_STREAMING)
                    .setFullMethodName(BrokerGrpc.getProduceStreamMethod().getFullMethodName()).build();

    private final List<byte[]> arrays = new ArrayList<>();
    private final List<int[]> ranges = new ArrayList<>();
    private int totalBytes;

    /** Encodes a request carrying each batch (already closed) of {@code batches}. */
    public static EncodedProduceRequest encode(int acks, int timeoutMs, List<ProducerBatch> batches) {
        EncodedProduceRequest request = new EncodedProduceRequest();
        byte[] head = new byte[24];
        int position = 0;
        if (acks != 0) {
            head[position++] = (byte) Wire.tag(BatchFields.PRODUCE_REQUEST_ACKS, Wire.VARINT);
            position = Wire.writeVarint64(head, position, acks);
        }
        if (timeoutMs != 0) {
            head[position++] = (byte) Wire.tag(BatchFields.PRODUCE_REQUEST_TIMEOUT_MS, Wire.VARINT);
            position = Wire.writeVarint(head, position, timeoutMs);
        }
        request.add(head, position);
        for (ProducerBatch batch : batches) {
            request.addPartition(batch);
        }
        return request;
    }

    private void addPartition(ProducerBatch batch) {
        byte[] topic = batch.partition().topic().getBytes(StandardCharsets.UTF_8);
        int partition = batch.partition().partition();
        byte[] header = batch.headerBytes();
        int recordsBytes = batch.payloadSize();
        int batchContent = Wire.fieldSize(header.length) + Wire.fieldSize(recordsBytes);
        int partitionContent = Wire.fieldSize(topic.length) + (partition == 0 ? 0 : 1 + Wire.varintSize(partition))
                + Wire.fieldSize(batchContent);
        byte[] prefix = new byte[topic.length + header.length + 48];
        int position = 0;
        prefix[position++] = (byte) Wire.tag(BatchFields.PRODUCE_REQUEST_PARTITIONS, Wire.LENGTH_DELIMITED);
        position = Wire.writeVarint(prefix, position, partitionContent);
        position = Wire.writeBytesField(prefix, position, BatchFields.PRODUCE_PARTITION_TOPIC, topic);
        if (partition != 0) {
            prefix[position++] = (byte) Wire.tag(BatchFields.PRODUCE_PARTITION_PARTITION, Wire.VARINT);
            position = Wire.writeVarint(prefix, position, partition);
        }
        prefix[position++] = (byte) Wire.tag(BatchFields.PRODUCE_PARTITION_BATCH, Wire.LENGTH_DELIMITED);
        position = Wire.writeVarint(prefix, position, batchContent);
        position = Wire.writeBytesField(prefix, position, BatchFields.BATCH_HEADER, header);
        prefix[position++] = (byte) Wire.tag(batch.payloadField(), Wire.LENGTH_DELIMITED);
        position = Wire.writeVarint(prefix, position, recordsBytes);
        add(prefix, position);
        add(batch.payload(), recordsBytes);
    }

    private void add(byte[] array, int length) {
        arrays.add(array);
        ranges.add(new int[] {0, length});
        totalBytes += length;
    }

    /** Size of the serialized request in bytes. */
    public int sizeBytes() {
        return totalBytes;
    }

    /** The serialized request as one array (tests and debugging). */
    public byte[] toByteArray() {
        byte[] out = new byte[totalBytes];
        int position = 0;
        for (int i = 0; i < arrays.size(); i++) {
            int length = ranges.get(i)[1];
            System.arraycopy(arrays.get(i), 0, out, position, length);
            position += length;
        }
        return out;
    }

    /** Streams the segments; gRPC copies them out synchronously when the call sends its message. */
    private final class SegmentStream extends InputStream implements KnownLength, Drainable {
        private int segment;
        private int offset;
        private int remaining = totalBytes;

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int written = 0;
            for (; segment < arrays.size(); segment++, offset = 0) {
                int length = ranges.get(segment)[1] - offset;
                target.write(arrays.get(segment), offset, length);
                written += length;
            }
            remaining = 0;
            return written;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int targetOffset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int copied = 0;
            while (copied < length && segment < arrays.size()) {
                int available = ranges.get(segment)[1] - offset;
                int n = Math.min(available, length - copied);
                System.arraycopy(arrays.get(segment), offset, target, targetOffset + copied, n);
                copied += n;
                offset += n;
                if (offset == ranges.get(segment)[1]) {
                    segment++;
                    offset = 0;
                }
            }
            remaining -= copied;
            return copied;
        }

        @Override
        public int available() {
            return remaining;
        }
    }

    private static final class Marshaller implements MethodDescriptor.Marshaller<EncodedProduceRequest> {
        @Override
        public InputStream stream(EncodedProduceRequest value) {
            return value.new SegmentStream();
        }

        @Override
        public EncodedProduceRequest parse(InputStream stream) {
            throw new UnsupportedOperationException("client-side marshaller only");
        }
    }
}
