package dev.sluice.client.fake;

import dev.sluice.proto.v1.*;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Test double of a single Sluice node: Broker, Admin and Group services over loopback gRPC (Netty) with
 * an in-memory log per partition. Node id 1, leader of everything, everything appended is committed.
 * Tests can inject produce errors ({@link #failNextProduces}) and inspect the logs. Thread-safe.
 */
public final class FakeBroker implements AutoCloseable {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    public static final int NODE_ID = 1;

    private final Map<String, List<FakeLog>> topics = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> configs = new ConcurrentHashMap<>();
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private final AtomicLong nextCommitDelayMs = new AtomicLong();
    private volatile ErrorCode fetchFailure;
    private final Map<String, String> committedMetadata = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<ErrorCode> produceFailures = new ConcurrentLinkedDeque<>();
    private final AtomicInteger produceRequests = new AtomicInteger();
    private final AtomicInteger metadataRequests = new AtomicInteger();
    private final AtomicInteger adminWritesToTimeOut = new AtomicInteger();
    private final AtomicInteger droppedResponses = new AtomicInteger();
    private volatile boolean holdProduces;
    private volatile boolean dieDuringAdminWrite;
    private volatile CreateTopicsRequest lastCreateTopicsRequest;
    private final java.util.concurrent.atomic.AtomicLong producerIds = new java.util.concurrent.atomic.AtomicLong();
    private final Object appended = new Object();
    private final Server server;

    private final boolean serveStreams;
    private final AtomicInteger produceStreams = new AtomicInteger();
    private final AtomicInteger fetchStreams = new AtomicInteger();

    public FakeBroker() throws IOException {
        this(true);
    }

    /** @param serveStreams false: a broker of an older version, with unary Produce and Fetch only */
    public FakeBroker(boolean serveStreams) throws IOException {
        this.serveStreams = serveStreams;
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxInboundMessageSize(64 * 1024 * 1024)
                .addService(new BrokerService()).addService(new AdminService()).addService(new GroupService())
                .build().start();
    }

    private volatile Integer onlyPartitionAfterMove;
    private volatile ErrorCode commitError;

    /**
     * A rebalance that reaches the member after the coordinator forgot it: the next heartbeats answer member epoch 2
     * with only {@code keptPartition}, and every commit is refused with {@code UNKNOWN_MEMBER_ID}.
     */
    public void moveAssignmentAfterForgettingTheMember(int keptPartition) {
        commitError = ErrorCode.UNKNOWN_MEMBER_ID;
        onlyPartitionAfterMove = keptPartition;
    }

    /** How many produce streams clients opened. */
    public int produceStreams() {
        return produceStreams.get();
    }

    /** How many fetch streams clients opened. */
    public int fetchStreams() {
        return fetchStreams.get();
    }

    /** {@code 127.0.0.1:port}, for bootstrap.servers. */
    /** The last CreateTopics request as it arrived, or null: shows which fields a client left unset. */
    public CreateTopicsRequest lastCreateTopicsRequest() {
        return lastCreateTopicsRequest;
    }

    public String address() {
        return "127.0.0.1:" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    public void createTopic(String name, int partitions) {
        List<FakeLog> logs = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            logs.add(new FakeLog());
        }
        topics.put(name, logs);
        configs.put(name, new TreeMap<>());
    }

    public FakeLog log(String topic, int partition) {
        return topics.get(topic).get(partition);
    }

    /** The next produce partition results fail with these codes, one per partition result. */
    /** The next {@code times} produce requests are appended but never answered: a lost response. */
    public void dropNextProduceResponses(int times) {
        droppedResponses.addAndGet(times);
    }

    /** While held, produce requests are neither appended nor answered (a stalled broker). */
    public void holdProduces(boolean hold) {
        holdProduces = hold;
    }

    /** How many producer ids InitProducerId handed out. */
    public long producerIdsIssued() {
        return producerIds.get();
    }

    /**
     * The next {@code times} creates/deletes take effect but are answered REQUEST_TIMED_OUT (committed, reply lost).
     */
    public void timeOutNextAdminWrites(int times) {
        adminWritesToTimeOut.set(times);
    }

    private boolean timeOutThisAdminWrite() {
        return adminWritesToTimeOut.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    /**
     * The next create or delete takes effect, then this broker dies before it answers: its server shuts down and the
     * caller's connection breaks while the call is in flight.
     */
    public void dieDuringNextAdminWrite() {
        dieDuringAdminWrite = true;
    }

    /** True when this admin write killed the broker; the caller must then not answer. */
    private boolean maybeDieDuringThisAdminWrite() {
        if (!dieDuringAdminWrite) {
            return false;
        }
        dieDuringAdminWrite = false;
        server.shutdownNow();
        return true;
    }

    /** While set, every fetched partition is answered with {@code error} (as a leader with a damaged store). */
    public void failFetches(ErrorCode error) {
        fetchFailure = error;
    }

    public void failNextProduces(ErrorCode code, int times) {
        for (int i = 0; i < times; i++) {
            produceFailures.add(code);
        }
    }

    public int produceRequests() {
        return produceRequests.get();
    }

    public int metadataRequests() {
        return metadataRequests.get();
    }

    /** The next offset commit is applied and answered only after {@code delayMs} (a slow coordinator). */
    public void delayNextCommit(long delayMs) {
        nextCommitDelayMs.set(delayMs);
    }

    public Map<String, Long> committedOffsets() {
        return Map.copyOf(committed);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private BrokerInfo self() {
        return BrokerInfo.newBuilder().setNodeId(NODE_ID).setHost("127.0.0.1").setPort(port()).build();
    }

    private PartitionMetadata partitionMetadata(int partition) {
        return PartitionMetadata.newBuilder().setPartition(partition).setLeaderId(NODE_ID).addReplicas(NODE_ID)
                .addIsr(NODE_ID).build();
    }

    private final class BrokerService extends BrokerGrpc.BrokerImplBase {
        @Override
        public void produce(ProduceRequest request, StreamObserver<ProduceResponse> observer) {
            ProduceResponse response = answer(request);
            if (response != null) {
                observer.onNext(response);
                observer.onCompleted();
            }
        }

        /**
         * Answers in order; a held or dropped response stalls the stream (a real broker's stream never skips one),
         * until the client gives up on it.
         */
        @Override
        public StreamObserver<ProduceRequest> produceStream(StreamObserver<ProduceResponse> observer) {
            if (!serveStreams) {
                return super.produceStream(observer);
            }
            produceStreams.incrementAndGet();
            return new StreamObserver<>() {
                private boolean stalled;

                @Override
                public void onNext(ProduceRequest request) {
                    ProduceResponse response = answer(request);
                    stalled |= response == null;
                    if (!stalled) {
                        observer.onNext(response);
                    }
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onCompleted() {
                    if (!stalled) {
                        observer.onCompleted();
                    }
                }
            };
        }

        /** Appends the request's batches and returns the response, or null when it is held or dropped. */
        private ProduceResponse answer(ProduceRequest request) {
            produceRequests.incrementAndGet();
            if (holdProduces) {
                return null;
            }
            ProduceResponse.Builder response = ProduceResponse.newBuilder();
            for (ProducePartition p : request.getPartitionsList()) {
                ProducePartitionResult.Builder result = ProducePartitionResult.newBuilder().setTopic(p.getTopic())
                        .setPartition(p.getPartition()).setLeaderId(NODE_ID);
                List<FakeLog> logs = topics.get(p.getTopic());
                ErrorCode injected = produceFailures.poll();
                if (injected != null) {
                    result.setError(injected).setErrorMessage("injected " + injected);
                } else if (logs == null || p.getPartition() >= logs.size()) {
                    result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    ErrorCode[] error = {ErrorCode.NONE};
                    long base = logs.get(p.getPartition()).append(p.getBatch(), System.currentTimeMillis(), error);
                    result.setError(error[0]).setBaseOffset(base);
                }
                response.addResults(result);
            }
            synchronized (appended) {
                appended.notifyAll();
            }
            if (droppedResponses.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return null;
            }
            return response.build();
        }

        @Override
        public void fetch(FetchRequest request, StreamObserver<FetchResponse> observer) {
            observer.onNext(longPoll(request));
            observer.onCompleted();
        }

        /** Each fetch long-polls on the stream's own thread, so the next one waits for its answer: in order. */
        @Override
        public StreamObserver<FetchRequest> fetchStream(StreamObserver<FetchResponse> observer) {
            if (!serveStreams) {
                return super.fetchStream(observer);
            }
            fetchStreams.incrementAndGet();
            return new StreamObserver<>() {
                @Override
                public void onNext(FetchRequest request) {
                    observer.onNext(longPoll(request));
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onCompleted() {
                    observer.onCompleted();
                }
            };
        }

        /** Reads until some partition has data or an error, or {@code max_wait_ms} passed. */
        private FetchResponse longPoll(FetchRequest request) {
            long deadline = System.currentTimeMillis() + request.getMaxWaitMs();
            FetchResponse response = readAll(request);
            while (response.getResultsList().stream().allMatch(r -> r.getBatchesCount() == 0
                    && r.getError() == ErrorCode.NONE) && System.currentTimeMillis() < deadline) {
                synchronized (appended) {
                    try {
                        appended.wait(Math.max(1, Math.min(20, deadline - System.currentTimeMillis())));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                response = readAll(request);
            }
            return response;
        }

        private FetchResponse readAll(FetchRequest request) {
            FetchResponse.Builder response = FetchResponse.newBuilder();
            for (FetchPartition p : request.getPartitionsList()) {
                FetchPartitionResult.Builder result = FetchPartitionResult.newBuilder().setTopic(p.getTopic())
                        .setPartition(p.getPartition());
                List<FakeLog> logs = topics.get(p.getTopic());
                if (logs == null || p.getPartition() >= logs.size()) {
                    response.addResults(result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                    continue;
                }
                FakeLog log = logs.get(p.getPartition());
                result.setHighWatermark(log.logEndOffset()).setLogStartOffset(log.logStartOffset());
                ErrorCode failure = fetchFailure;
                if (failure != null) {
                    result.setError(failure).setErrorMessage("injected " + failure);
                } else if (p.getFetchOffset() < log.logStartOffset() || p.getFetchOffset() > log.logEndOffset()) {
                    result.setError(ErrorCode.OFFSET_OUT_OF_RANGE);
                } else {
                    result.addAllBatches(log.read(p.getFetchOffset(), p.getPartitionMaxBytes()));
                }
                response.addResults(result);
            }
            return response.build();
        }

        @Override
        public void listOffsets(ListOffsetsRequest request, StreamObserver<ListOffsetsResponse> observer) {
            ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
            for (ListOffsetsPartition p : request.getPartitionsList()) {
                ListOffsetsPartitionResult.Builder result = ListOffsetsPartitionResult.newBuilder()
                        .setTopic(p.getTopic()).setPartition(p.getPartition());
                List<FakeLog> logs = topics.get(p.getTopic());
                if (logs == null || p.getPartition() >= logs.size()) {
                    result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    FakeLog log = logs.get(p.getPartition());
                    result.setOffset(p.getTimestampMs() == -2 ? log.logStartOffset() : log.logEndOffset());
                }
                response.addResults(result);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        /** Hands out ids; unlike a real broker, this fake does not check sequences. */
        @Override
        public void initProducerId(dev.sluice.proto.v1.InitProducerIdRequest request,
                                   StreamObserver<dev.sluice.proto.v1.InitProducerIdResponse> observer) {
            observer.onNext(dev.sluice.proto.v1.InitProducerIdResponse.newBuilder()
                    .setProducerId(producerIds.incrementAndGet()).build());
            observer.onCompleted();
        }

        @Override
        public void metadata(MetadataRequest request, StreamObserver<MetadataResponse> observer) {
            metadataRequests.incrementAndGet();
            MetadataResponse.Builder response = MetadataResponse.newBuilder().setClusterId("fake-cluster")
                    .setControllerId(NODE_ID).addBrokers(self());
            List<String> names = request.getAllTopics() ? new ArrayList<>(topics.keySet()) : request.getTopicsList();
            for (String name : names) {
                TopicMetadata.Builder topic = TopicMetadata.newBuilder().setName(name);
                List<FakeLog> logs = topics.get(name);
                if (logs == null) {
                    topic.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    for (int i = 0; i < logs.size(); i++) {
                        topic.addPartitions(partitionMetadata(i));
                    }
                }
                response.addTopics(topic);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }
    }

    private final class AdminService extends AdminGrpc.AdminImplBase {
        @Override
        public void createTopics(CreateTopicsRequest request, StreamObserver<CreateTopicsResponse> observer) {
            lastCreateTopicsRequest = request;
            CreateTopicsResponse.Builder response = CreateTopicsResponse.newBuilder();
            for (NewTopic topic : request.getTopicsList()) {
                TopicResult.Builder result = TopicResult.newBuilder().setName(topic.getName());
                if (!TOPIC_NAME.matcher(topic.getName()).matches()) {
                    result.setError(ErrorCode.INVALID_TOPIC)
                            .setErrorMessage("invalid topic name '" + topic.getName() + "'");
                } else if (topics.containsKey(topic.getName())) {
                    result.setError(ErrorCode.TOPIC_ALREADY_EXISTS)
                            .setErrorMessage("topic " + topic.getName() + " already exists");
                } else if (topic.hasPartitions() && topic.getPartitions() < 1) {
                    result.setError(ErrorCode.INVALID_PARTITIONS)
                            .setErrorMessage("partitions must be at least 1, got " + topic.getPartitions());
                } else if (topic.hasReplicationFactor() && topic.getReplicationFactor() < 1) {
                    result.setError(ErrorCode.INVALID_REPLICATION_FACTOR)
                            .setErrorMessage("replication factor must be at least 1, got "
                                    + topic.getReplicationFactor());
                } else if (topic.getReplicationFactor() > 1) {
                    result.setError(ErrorCode.INVALID_REPLICATION_FACTOR)
                            .setErrorMessage("replication factor " + topic.getReplicationFactor()
                                    + " is larger than the 1 available broker");
                } else {
                    createTopic(topic.getName(), topic.hasPartitions() ? topic.getPartitions() : 1);
                    configs.get(topic.getName()).putAll(topic.getConfigsMap());
                    if (timeOutThisAdminWrite()) {
                        result.setError(ErrorCode.REQUEST_TIMED_OUT).setErrorMessage("controller did not answer");
                    }
                }
                response.addResults(result);
            }
            if (maybeDieDuringThisAdminWrite()) {
                return;
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void deleteTopics(DeleteTopicsRequest request, StreamObserver<DeleteTopicsResponse> observer) {
            DeleteTopicsResponse.Builder response = DeleteTopicsResponse.newBuilder();
            for (String name : request.getNamesList()) {
                TopicResult.Builder result = TopicResult.newBuilder().setName(name);
                if (topics.remove(name) == null) {
                    result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else if (timeOutThisAdminWrite()) {
                    result.setError(ErrorCode.REQUEST_TIMED_OUT).setErrorMessage("controller did not answer");
                }
                response.addResults(result);
            }
            if (maybeDieDuringThisAdminWrite()) {
                return;
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> observer) {
            ListTopicsResponse.Builder response = ListTopicsResponse.newBuilder();
            topics.forEach((name, logs) -> response.addTopics(dev.sluice.proto.v1.TopicListing.newBuilder()
                    .setName(name).setTopicId("id-" + name).setPartitions(logs.size()).setReplicationFactor(1)));
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void describeTopics(DescribeTopicsRequest request, StreamObserver<DescribeTopicsResponse> observer) {
            DescribeTopicsResponse.Builder response = DescribeTopicsResponse.newBuilder();
            for (String name : request.getNamesList()) {
                TopicDescription.Builder topic = TopicDescription.newBuilder().setName(name);
                List<FakeLog> logs = topics.get(name);
                if (logs == null) {
                    topic.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    topic.setTopicId("id-" + name).putAllConfigs(configs.get(name));
                    for (int i = 0; i < logs.size(); i++) {
                        topic.addPartitions(PartitionDescription.newBuilder().setPartition(i).setLeaderId(NODE_ID)
                                .addReplicas(NODE_ID).addIsr(NODE_ID).setLogStartOffset(logs.get(i).logStartOffset())
                                .setLogEndOffset(logs.get(i).logEndOffset())
                                .setHighWatermark(logs.get(i).logEndOffset()));
                    }
                }
                response.addTopics(topic);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void alterConfigs(AlterConfigsRequest request, StreamObserver<AlterConfigsResponse> observer) {
            AlterConfigsResponse.Builder response = AlterConfigsResponse.newBuilder();
            for (ConfigAlteration alteration : request.getAlterationsList()) {
                TopicResult.Builder result = TopicResult.newBuilder().setName(alteration.getTopic());
                Map<String, String> topicConfigs = configs.get(alteration.getTopic());
                if (topicConfigs == null || !topics.containsKey(alteration.getTopic())) {
                    result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else {
                    topicConfigs.putAll(alteration.getSetMap());
                    alteration.getDeleteList().forEach(topicConfigs::remove);
                }
                response.addResults(result);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void describeCluster(DescribeClusterRequest request, StreamObserver<DescribeClusterResponse> observer) {
            observer.onNext(DescribeClusterResponse.newBuilder().setClusterId("fake-cluster").setControllerId(NODE_ID)
                    .addBrokers(self()).setQuorum(QuorumInfo.newBuilder().setLeaderId(NODE_ID).setLeaderEpoch(1)
                            .setHighWatermark(42).addVoters(VoterState.newBuilder().setNodeId(NODE_ID)
                                    .setLogEndOffset(42).setLastCaughtUpMsAgo(0)))
                    .build());
            observer.onCompleted();
        }
    }

    private final class GroupService extends GroupGrpc.GroupImplBase {
        @Override
        public void findCoordinator(FindCoordinatorRequest request, StreamObserver<FindCoordinatorResponse> observer) {
            observer.onNext(FindCoordinatorResponse.newBuilder().setNodeId(NODE_ID).setHost("127.0.0.1")
                    .setPort(port()).build());
            observer.onCompleted();
        }

        @Override
        public void commitOffsets(CommitOffsetsRequest request, StreamObserver<CommitOffsetsResponse> observer) {
            ErrorCode refusal = commitError;
            if (refusal != null) {
                observer.onNext(CommitOffsetsResponse.newBuilder().setError(refusal)
                        .setErrorMessage("group " + request.getGroupId() + " has no member " + request.getMemberId())
                        .build());
                observer.onCompleted();
                return;
            }
            long delayMs = nextCommitDelayMs.getAndSet(0);
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            CommitOffsetsResponse.Builder response = CommitOffsetsResponse.newBuilder();
            for (TopicPartitionOffset offset : request.getOffsetsList()) {
                String key = key(request.getGroupId(), offset.getTopic(), offset.getPartition());
                committed.put(key, offset.getOffset());
                committedMetadata.put(key, offset.getMetadata());
                response.addResults(offset);
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        @Override
        public void fetchOffsets(FetchOffsetsRequest request, StreamObserver<FetchOffsetsResponse> observer) {
            FetchOffsetsResponse.Builder response = FetchOffsetsResponse.newBuilder();
            for (TopicPartitionOffset p : request.getPartitionsList()) {
                String key = key(request.getGroupId(), p.getTopic(), p.getPartition());
                Long offset = committed.get(key);
                response.addOffsets(p.toBuilder().setOffset(offset == null ? -1 : offset)
                        .setMetadata(committedMetadata.getOrDefault(key, "")));
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        /**
         * A one-member-per-group stand-in for the real coordinator: a joining member gets every partition of its
         * subscribed topics at epoch 1 and keeps them; a leave is acknowledged.
         */
        @Override
        public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
            HeartbeatResponse.Builder response = HeartbeatResponse.newBuilder()
                    .setMemberId(request.getMemberId().isEmpty() ? "member-" + request.getClientId()
                            : request.getMemberId())
                    .setHeartbeatIntervalMs(100).setGroupEpoch(1);
            if (request.getMemberEpoch() < 0) {
                response.setMemberEpoch(request.getMemberEpoch());
            } else {
                Integer only = onlyPartitionAfterMove;
                response.setMemberEpoch(only == null ? 1 : 2);
                for (String topic : request.getSubscribedTopicsList()) {
                    List<FakeLog> logs = topics.get(topic);
                    if (logs != null) {
                        TopicPartitions.Builder owned = TopicPartitions.newBuilder().setTopic(topic);
                        for (int p = 0; p < logs.size(); p++) {
                            if (only == null || only == p) {
                                owned.addPartitions(p);
                            }
                        }
                        response.addAssignment(owned);
                    }
                }
            }
            observer.onNext(response.build());
            observer.onCompleted();
        }

        private String key(String group, String topic, int partition) {
            return group + "/" + topic + "/" + partition;
        }
    }
}
