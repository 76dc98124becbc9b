package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import dev.sluice.proto.internal.v1.FetchPartitionResultView;
import dev.sluice.proto.internal.v1.FetchResponseView;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.ProducePartitionResult;
import dev.sluice.proto.v1.ProduceResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseErrorsTest {

    private static List<ErrorCode> fast(Object response) {
        List<ErrorCode> codes = new ArrayList<>();
        ResponseErrors.forEach(response, codes::add);
        return codes;
    }

    private static List<ErrorCode> byDescriptor(Message response) {
        List<ErrorCode> codes = new ArrayList<>();
        ResponseErrors.forEachByDescriptor(response, codes::add);
        return codes;
    }

    @Test
    void theDataPathsGettersFindTheSameCodesAsTheDescriptor() {
        ProduceResponse produce = ProduceResponse.newBuilder()
                .addResults(ProducePartitionResult.newBuilder().setError(ErrorCode.NONE))
                .addResults(ProducePartitionResult.newBuilder().setError(ErrorCode.NOT_LEADER))
                .addResults(ProducePartitionResult.newBuilder().setError(ErrorCode.CORRUPT_MESSAGE)).build();
        FetchResponseView fetch = FetchResponseView.newBuilder()
                .addResults(FetchPartitionResultView.newBuilder().setError(ErrorCode.OFFSET_OUT_OF_RANGE))
                .addResults(FetchPartitionResultView.newBuilder()).build();
        ReplicaFetchResponse replicaFetch = ReplicaFetchResponse.newBuilder().setError(ErrorCode.NONE)
                .addPartitions(ReplicaFetchPartitionResult.newBuilder().setError(ErrorCode.FENCED_EPOCH))
                .addPartitions(ReplicaFetchPartitionResult.newBuilder().setErrorValue(999)).build();

        assertThat(fast(produce)).containsExactly(ErrorCode.NOT_LEADER, ErrorCode.CORRUPT_MESSAGE)
                .isEqualTo(byDescriptor(produce));
        assertThat(fast(fetch)).containsExactly(ErrorCode.OFFSET_OUT_OF_RANGE)
                .isEqualTo(byDescriptor(fetch));
        assertThat(fast(replicaFetch)).containsExactly(ErrorCode.FENCED_EPOCH, ErrorCode.UNRECOGNIZED)
                .isEqualTo(byDescriptor(replicaFetch));
        assertThat(fast(new byte[0])).isEmpty();
    }
}
