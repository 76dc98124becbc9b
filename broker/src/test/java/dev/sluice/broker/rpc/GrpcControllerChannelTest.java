package dev.sluice.broker.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.controller.BrokerRegistrationReply;
import dev.sluice.identity.NodeIdentity;
import dev.sluice.proto.internal.v1.ControllerGrpc;
import dev.sluice.proto.internal.v1.ForwardedCreateTopicsResponse;
import dev.sluice.proto.internal.v1.RegisterBrokerRequest;
import dev.sluice.proto.internal.v1.RegisterBrokerResponse;
import dev.sluice.proto.v1.CreateTopicsRequest;
import dev.sluice.proto.v1.CreateTopicsResponse;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.NewTopic;
import dev.sluice.proto.v1.TopicResult;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leader following of {@link GrpcControllerChannel} against fake controllers: small in-JVM gRPC servers on loopback
 * that answer as an active controller, refuse with a hint, or are not there at all.
 */
class GrpcControllerChannelTest {
    private static final ControllerRouter.Settings FAST = new ControllerRouter.Settings(2_000, 1_000, 10, 50);
    private static final NodeIdentity IDENTITY = new NodeIdentity("c1", "directory-7", "incarnation-7");

    private final Map<Integer, InetSocketAddress> voters = new HashMap<>();
    private final Map<Integer, FakeController> fakes = new HashMap<>();
    private final List<Server> servers = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private GrpcControllerChannel channel;

    /** A controller that refuses with {@code hint} for its first {@code refusals} calls, then answers. */
    private static final class FakeController extends ControllerGrpc.ControllerImplBase {
        final int nodeId;
        volatile int hint;
        volatile int refusals;
        final AtomicInteger calls = new AtomicInteger();
        volatile RegisterBrokerRequest lastRegistration;

        FakeController(int nodeId, int hint, int refusals) {
            this.nodeId = nodeId;
            this.hint = hint;
            this.refusals = refusals;
        }

        /** Takes requests but never answers them (a controller cut off after the request reached it). */
        volatile boolean silent;
        /** Answers creates only after this long (a slow commit). */
        volatile long createDelayMs;

        private boolean refuse() {
            return calls.incrementAndGet() <= refusals;
        }

        @Override
        public void createTopics(CreateTopicsRequest request,
                StreamObserver<ForwardedCreateTopicsResponse> responses) {
            ForwardedCreateTopicsResponse.Builder response = ForwardedCreateTopicsResponse.newBuilder()
                    .setControllerId(hint);
            if (silent) {
                calls.incrementAndGet();
                return;
            }
            sleepQuietly(createDelayMs);
            if (refuse()) {
                response.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage("node " + nodeId + " is not active");
            } else {
                response.setResponse(CreateTopicsResponse.newBuilder().addResults(TopicResult.newBuilder()
                        .setName(request.getTopics(0).getName()).setErrorMessage("created by " + nodeId)));
            }
            responses.onNext(response.build());
            responses.onCompleted();
        }

        @Override
        public void registerBroker(RegisterBrokerRequest request, StreamObserver<RegisterBrokerResponse> responses) {
            lastRegistration = request;
            RegisterBrokerResponse.Builder response = RegisterBrokerResponse.newBuilder().setControllerId(hint);
            if (silent) {
                calls.incrementAndGet();
                return;
            }
            if (refuse()) {
                response.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage("node " + nodeId + " is not active");
            } else {
                response.setBrokerEpoch(1000L * nodeId + request.getBrokerId());
            }
            responses.onNext(response.build());
            responses.onCompleted();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void voter(int nodeId, FakeController fake) throws IOException {
        int port = freePort();
        voters.put(nodeId, new InetSocketAddress("127.0.0.1", port));
        if (fake != null) {
            fakes.put(nodeId, fake);
            servers.add(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).addService(fake)
                    .build().start());
        }
    }

    private GrpcControllerChannel channel(int raftLeader) {
        channel = new GrpcControllerChannel(voters, () -> raftLeader, scheduler, FAST, IDENTITY);
        return channel;
    }

    private static CreateTopicsRequest create(String name) {
        return CreateTopicsRequest.newBuilder().addTopics(NewTopic.newBuilder().setName(name)).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.close();
        }
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        scheduler.shutdownNow();
    }

    @Test
    void followsTheNotControllerHintStraightToTheLeader() throws Exception {
        voter(1, new FakeController(1, 3, Integer.MAX_VALUE));
        voter(2, new FakeController(2, 3, Integer.MAX_VALUE));
        voter(3, new FakeController(3, 3, 0));

        CreateTopicsResponse response = channel(-1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(response.getResults(0).getErrorMessage()).isEqualTo("created by 3");
        assertThat(fakes.get(1).calls).hasValue(1);
        assertThat(fakes.get(2).calls).hasValue(0);
        // The answering controller is remembered: the next request goes to it directly.
        channel.createTopics(create("u")).get(10, TimeUnit.SECONDS);
        assertThat(fakes.get(1).calls).hasValue(1);
        assertThat(fakes.get(3).calls).hasValue(2);
    }

    @Test
    void startsAtTheRaftLeaderThisNodeKnowsOf() throws Exception {
        voter(1, new FakeController(1, 2, Integer.MAX_VALUE));
        voter(2, new FakeController(2, 2, 0));

        BrokerRegistrationReply reply = channel(2).registerBroker(7, "h", 1, 0, "", "store-7")
                .get(10, TimeUnit.SECONDS);

        assertThat(reply.error()).isEqualTo(ErrorCode.NONE);
        assertThat(reply.brokerEpoch()).isEqualTo(2007);
        assertThat(fakes.get(1).calls).hasValue(0);
        assertThat(fakes.get(2).lastRegistration.getSender()).as("the process and directory registering")
                .isEqualTo(IDENTITY.toProto());
        assertThat(fakes.get(2).lastRegistration.getLogStoreId()).isEqualTo("store-7");
    }

    @Test
    void movesOnFromAnUnreachableControllerAndIgnoresHintsPointingBackAtIt() throws Exception {
        voter(1, null);                                         // the old leader, killed
        voter(2, new FakeController(2, 1, 3));                 // still names node 1 for a while, then leads
        voter(3, new FakeController(3, 1, Integer.MAX_VALUE)); // names node 1 too

        CreateTopicsResponse response = channel(1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(response.getResults(0).getErrorMessage()).isEqualTo("created by 2");
    }

    @Test
    void retriesALeaderThatIsNotActiveYet() throws Exception {
        voter(1, new FakeController(1, 1, 3));  // leads, but refuses until its epoch start is applied

        CreateTopicsResponse response = channel(1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(fakes.get(1).calls).hasValue(4);
    }

    @Test
    void answersNotControllerPerTopicWhenNoControllerAnswersInTime() throws Exception {
        voter(1, new FakeController(1, -1, Integer.MAX_VALUE));
        voter(2, null);

        CreateTopicsResponse response = channel(-1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResultsList()).hasSize(1);
        assertThat(response.getResults(0).getName()).isEqualTo("t");
        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NOT_CONTROLLER);
        assertThat(response.getResults(0).getErrorMessage()).contains("no active controller answered CreateTopics");
        assertThat(fakes.get(1).calls.get()).isGreaterThan(1);
    }

    @Test
    void aCreateThatMayHaveReachedAControllerIsNotResentAndAnswersUnknownOutcome() throws Exception {
        FakeController silent = new FakeController(1, 1, 0);
        silent.silent = true;
        voter(1, silent);
        voter(2, new FakeController(2, 2, 0));   // would create it, a second time if the first one is applied

        CreateTopicsResponse response = channel(1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.REQUEST_TIMED_OUT);
        assertThat(response.getResults(0).getErrorMessage()).contains("may still take effect");
        assertThat(silent.calls).hasValue(1);
        assertThat(fakes.get(2).calls).hasValue(0);
    }

    @Test
    void aCreateSlowerThanOneAttemptTimeoutWaitsForItsAnswerWithinTheRequestTimeout() throws Exception {
        // FAST gives an attempt 1 s and the request 2 s: a commit taking 1.5 s is answered, not an unknown outcome.
        FakeController slow = new FakeController(1, 1, 0);
        slow.createDelayMs = 1_500;
        voter(1, slow);

        CreateTopicsResponse response = channel(1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(response.getResults(0).getErrorMessage()).isEqualTo("created by 1");
        assertThat(slow.calls).hasValue(1);
    }

    @Test
    void aCreateIsResentWhenTheConnectionWasNeverMade() throws Exception {
        voter(1, null);                           // nothing listens: the request cannot have arrived
        voter(2, new FakeController(2, 2, 0));

        CreateTopicsResponse response = channel(1).createTopics(create("t")).get(10, TimeUnit.SECONDS);

        assertThat(response.getResults(0).getError()).isEqualTo(ErrorCode.NONE);
        assertThat(response.getResults(0).getErrorMessage()).isEqualTo("created by 2");
    }

    @Test
    void anIdempotentRequestIsResentAfterAnyFailure() throws Exception {
        FakeController silent = new FakeController(1, 1, 0);
        silent.silent = true;
        voter(1, silent);
        voter(2, new FakeController(2, 2, 0));

        // A registration is safe to repeat: after the silent controller's attempt times out it goes to the next.
        BrokerRegistrationReply reply = channel(1).registerBroker(7, "h", 1, 0, "", "store-7")
                .get(10, TimeUnit.SECONDS);

        assertThat(reply.error()).isEqualTo(ErrorCode.NONE);
        assertThat(reply.brokerEpoch()).isEqualTo(2007);
        assertThat(silent.calls).hasValue(1);
    }

    private static int freePort() throws IOException {
        return dev.sluice.testing.TestPorts.freePort();
    }
}
