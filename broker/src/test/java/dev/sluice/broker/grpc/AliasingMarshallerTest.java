package dev.sluice.broker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class AliasingMarshallerTest {
    private final AliasingMarshaller<ReplicaFetchResponse> marshaller =
            new AliasingMarshaller<>(ReplicaFetchResponse.getDefaultInstance());

    private static ReplicaFetchResponse response(int batchBytes) {
        byte[] batch = new byte[batchBytes];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) i;
        }
        return ReplicaFetchResponse.newBuilder().addPartitions(ReplicaFetchPartitionResult.newBuilder()
                .setPartition(3).addBatches(ByteString.copyFrom(batch)).addBatches(ByteString.copyFromUtf8("x")))
                .build();
    }

    @Test
    void parsesMessagesSmallerAndLargerThanOneReadChunk() {
        for (int size : new int[] {0, 100, 8192, 100_000}) {
            ReplicaFetchResponse sent = response(size);
            // gRPC's own streams know their length (KnownLength); a plain stream takes the other path.
            assertThat(marshaller.parse(marshaller.stream(sent))).isEqualTo(sent);
            assertThat(marshaller.parse(new ByteArrayInputStream(sent.toByteArray()))).isEqualTo(sent);
        }
    }

    @Test
    void aMessageThatDoesNotParseFailsAsGrpcsOwnMarshallerDoes() {
        InputStream truncated = new ByteArrayInputStream(response(100).toByteArray(), 0, 50);
        assertThatThrownBy(() -> marshaller.parse(truncated)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
    }
}
