package dev.sluice.controller.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.controller.ControllerConfig;
import dev.sluice.controller.ControllerService;
import dev.sluice.controller.ThreadEventQueue;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.proto.internal.v1.BrokerHeartbeatRequest;
import dev.sluice.proto.internal.v1.BrokerHeartbeatResponse;
import dev.sluice.proto.internal.v1.ReadBarrierRequest;
import dev.sluice.proto.internal.v1.ReadBarrierResponse;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.RegisterBrokerResponse;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A broker of another cluster cannot register or heartbeat: the controller port answers
 * {@code INCONSISTENT_CLUSTER_ID} before the controller sees the request. The controller here is not active, so a
 * request of the right cluster that reaches it is answered {@code NOT_CONTROLLER}: the contrast shows where each
 * answer came from.
 */
class ControllerGrpcServiceIdentityTest {
    private final ThreadEventQueue queue = new ThreadEventQueue("controller-identity-test", (message, cause) -> { });
    private final ControllerService controller = new ControllerService(1, ControllerConfig.DEFAULT,
            payload -> CompletableFuture.failedFuture(new IllegalStateException("not expected")), Clock.systemUTC(),
            new SplittableRandom(1), queue);
    private final ControllerGrpcService service = new ControllerGrpcService(controller, () -> -1,
            new ClusterIdCheck(1, "c1"));

    @AfterEach
    void stop() {
        controller.close();
    }

    private static <P> P call(java.util.function.Consumer<StreamObserver<P>> rpc) throws Exception {
        CompletableFuture<P> answer = new CompletableFuture<>();
        rpc.accept(new StreamObserver<>() {
            @Override
            public void onNext(P value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable failure) {
                answer.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
            }
        });
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static RegisterBrokerRequest registration(String clusterId) {
        return RegisterBrokerRequest.newBuilder().setBrokerId(2).setHost("h").setPort(7092)
                .setSender(new NodeIdentity(clusterId, "directory-2", "incarnation-2").toProto()).build();
    }

    @Test
    void aBrokerOfAnotherClusterIsRefusedBeforeTheController() throws Exception {
        RegisterBrokerResponse foreign = call(observer -> service.registerBroker(registration("c2"), observer));
        assertThat(foreign.getError()).isEqualTo(ErrorCode.INCONSISTENT_CLUSTER_ID);
        assertThat(foreign.getErrorMessage()).contains("cluster c1").contains("cluster c2").contains("node 2");

        RegisterBrokerResponse same = call(observer -> service.registerBroker(registration("c1"), observer));
        assertThat(same.getError()).as("reached the (inactive) controller").isEqualTo(ErrorCode.NOT_CONTROLLER);

        BrokerHeartbeatResponse heartbeat = call(observer -> service.brokerHeartbeat(BrokerHeartbeatRequest
                .newBuilder().setBrokerId(2).setBrokerEpoch(1).build(), observer));
        assertThat(heartbeat.getError()).as("no sender at all").isEqualTo(ErrorCode.INCONSISTENT_CLUSTER_ID);

        ReadBarrierResponse barrier = call(observer -> service.readBarrier(ReadBarrierRequest.newBuilder()
                .setSender(new NodeIdentity("c2", "d", "i").toProto()).build(), observer));
        assertThat(barrier.getError()).isEqualTo(ErrorCode.INCONSISTENT_CLUSTER_ID);
    }

    @Test
    void aHeartbeatWithABadLogEndIsRefusedWithATypedError() throws Exception {
        BrokerHeartbeatResponse heartbeat = call(observer -> service.brokerHeartbeat(BrokerHeartbeatRequest
                .newBuilder().setBrokerId(2).setBrokerEpoch(1)
                .setSender(new NodeIdentity("c1", "directory-2", "incarnation-2").toProto())
                .addLeaderlessLogEnds(dev.sluice.proto.internal.v1.ReplicaLogEnd.newBuilder()
                        .setTopicId(com.google.protobuf.ByteString.copyFrom(new byte[3])).setPartition(0)
                        .setLeaderEpoch(1).setLogEndOffset(-5))
                .build(), observer));
        assertThat(heartbeat.getError()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(heartbeat.getErrorMessage()).contains("leaderless_log_ends").contains("3 bytes");
    }
}
