package dev.sluice.broker.replication;

import dev.sluice.broker.log.PartitionKey;
import dev.sluice.identity.ClusterIdCheck;
import dev.sluice.proto.internal.v1.ReplicaFetchPartition;
import dev.sluice.proto.internal.v1.ReplicaFetchPartitionResult;
import dev.sluice.proto.internal.v1.ReplicaFetchRequest;
import dev.sluice.proto.internal.v1.ReplicaFetchResponse;
import dev.sluice.proto.internal.v1.ReplicationGrpc;
import dev.sluice.proto.v1.ErrorCode;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The leader side of replication: the gRPC {@code Replication} service. Each fetch is answered from the
 * {@link LeaderPartition}s of {@link LeaderPartitions}, which count the follower's fetch offset (moving the high
 * watermark and proposing ISR changes). A fetch with less than {@code min_bytes} of data, no error and no divergence
 * waits, up to {@code max_wait_ms}, for a local append on one of its partitions (or the end of leadership), then
 * is answered with a fresh read. A high watermark that moved does not end the wait: followers learn it with their
 * next data or at the end of the wait, as in Kafka.
 *
 * <p>A fetch from a follower of another cluster ({@link ClusterIdCheck}) is refused with a top-level
 * {@code INCONSISTENT_CLUSTER_ID} before any partition is read.
 *
 * <p>Threads: a {@code ReplicaFetchStream}'s requests arrive on the transport thread (the server runs that method
 * there), which answers a fetch that needs no store read itself: a caught-up follower's fetch counts its offset (which
 * may move the high watermark) and starts its wait with no thread hand-off. A fetch that reads stored batches moves to
 * the injected store-read executor, and so does the re-read of a waiting fetch that an append wakes (one hand-off: a
 * pool thread takes it at once, where the scheduler's threads woke each other as well). The injected scheduler runs
 * the timeouts, which read too, so its threads must be allowed to read RocksDB.
 */
public final class ReplicaFetchService extends ReplicationGrpc.ReplicationImplBase {

    private final LeaderPartitions partitions;
    private final ScheduledExecutorService scheduler;
    private final ClusterIdCheck clusterIds;
    private final Executor storeReads;

    /**
     * @param clusterIds refuses the fetches of followers of another cluster
     * @param storeReads where a stream's fetch that reads stored batches is served, and where a waiting fetch
     *     re-reads when woken; never the appending thread's own (see {@link Waiting#run})
     */
    public ReplicaFetchService(LeaderPartitions partitions, ScheduledExecutorService scheduler,
                               ClusterIdCheck clusterIds, Executor storeReads) {
        this.partitions = partitions;
        this.scheduler = scheduler;
        this.clusterIds = clusterIds;
        this.storeReads = storeReads;
    }

    @Override
    public void replicaFetch(ReplicaFetchRequest request, StreamObserver<ReplicaFetchResponse> observer) {
        UnaryAnswer answer = new UnaryAnswer(observer);
        Waiting waiting = serve(request, answer);
        if (waiting != null && observer instanceof ServerCallStreamObserver<ReplicaFetchResponse> serverObserver) {
            serverObserver.setOnCancelHandler(waiting::cancel);
        }
    }

    @Override
    public StreamObserver<ReplicaFetchRequest> replicaFetchStream(StreamObserver<ReplicaFetchResponse> responses) {
        return new FetchStream((ServerCallStreamObserver<ReplicaFetchResponse>) responses);
    }

    /** Answers {@code request} now, or returns the started wait that will. */
    private Waiting serve(ReplicaFetchRequest request, Answer answer) {
        String refusal = clusterIds.refusal("Replication", request.getReplicaId(), request.getSender());
        if (refusal != null) {
            // Before any partition is read: a follower of another cluster must not move a high watermark or an ISR.
            answer.send(ReplicaFetchResponse.newBuilder().setError(ErrorCode.INCONSISTENT_CLUSTER_ID)
                    .setErrorMessage(refusal).build());
            return null;
        }
        Pass first = read(request);
        if (request.getMaxWaitMs() <= 0 || first.isComplete(request.getMinBytes())) {
            answer.send(first.response());
            return null;
        }
        Waiting waiting = new Waiting(request, answer, first);
        waiting.start();
        return waiting;
    }

    /** Whether a partition {@code request} names is led here and its log extends past the follower's offset. */
    private boolean hasDataBeyond(ReplicaFetchRequest request) {
        return anyLedPartitionWithData(request, false);
    }

    /**
     * Whether serving {@code request} now would read the store: a partition it names is led here and its log extends
     * past the follower's fetch offset further back than the newest batches kept in memory. False means the answer
     * (those batches, offsets, an error, a divergence, or the start of a wait) comes from memory.
     */
    private boolean readsStore(ReplicaFetchRequest request) {
        return anyLedPartitionWithData(request, true);
    }

    private boolean anyLedPartitionWithData(ReplicaFetchRequest request, boolean notInMemory) {
        for (ReplicaFetchPartition partition : request.getPartitionsList()) {
            UUID topicId;
            try {
                topicId = TopicIdBytes.decode(partition.getTopicId());
            } catch (IllegalArgumentException e) {
                continue;
            }
            Optional<LeaderPartition> leader = partitions.leaderPartition(new PartitionKey(topicId,
                    partition.getPartition()));
            if (leader.isPresent() && leader.get().log().logEndOffset() > partition.getFetchOffset()
                    && !(notInMemory && leader.get().log().readsFromMemory(partition.getFetchOffset(),
                            Long.MAX_VALUE))) {
                return true;
            }
        }
        return false;
    }

    /** One read over every requested partition. */
    private Pass read(ReplicaFetchRequest request) {
        ReplicaFetchResponse.Builder response = ReplicaFetchResponse.newBuilder();
        List<LeaderPartition> leaders = new ArrayList<>();
        long sizeBytes = 0;
        boolean mustAnswer = false;
        int remainingBytes = request.getMaxBytes() > 0 ? request.getMaxBytes() : Integer.MAX_VALUE;
        for (ReplicaFetchPartition partition : request.getPartitionsList()) {
            ReplicaFetchPartitionResult result = readPartition(request.getReplicaId(), request.getBrokerEpoch(),
                    partition, remainingBytes, leaders);
            response.addPartitions(result);
            long bytes = result.getBatchesList().stream().mapToLong(b -> b.size()).sum();
            sizeBytes += bytes;
            remainingBytes = (int) Math.max(0, remainingBytes - bytes);
            mustAnswer |= result.getError() != ErrorCode.NONE || result.getDivergingEpoch() >= 0
                    || result.getDivergingEndOffset() >= 0;
        }
        return new Pass(response.build(), leaders, sizeBytes, mustAnswer);
    }

    private ReplicaFetchPartitionResult readPartition(int replicaId, long brokerEpoch,
                                                      ReplicaFetchPartition partition, int remainingBytes,
                                                      List<LeaderPartition> leaders) {
        UUID topicId;
        try {
            topicId = TopicIdBytes.decode(partition.getTopicId());
        } catch (IllegalArgumentException e) {
            return failure(partition, ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        Optional<LeaderPartition> leader = partitions.leaderPartition(new PartitionKey(topicId,
                partition.getPartition()));
        if (leader.isEmpty()) {
            return failure(partition, ErrorCode.NOT_LEADER, "this broker does not lead " + topicId + "-"
                    + partition.getPartition());
        }
        leaders.add(leader.get());
        // At least one batch is always returned (a partition's first batch may exceed what is left).
        return leader.get().handleFetch(replicaId, brokerEpoch, partition, Math.max(remainingBytes, 1));
    }

    private static ReplicaFetchPartitionResult failure(ReplicaFetchPartition partition, ErrorCode error,
                                                       String message) {
        return ReplicaFetchPartitionResult.newBuilder().setTopicId(partition.getTopicId())
                .setPartition(partition.getPartition()).setError(error).setErrorMessage(message)
                .setHighWatermark(-1).setLogStartOffset(-1).setLogEndOffset(-1)
                .setDivergingEpoch(-1).setDivergingEndOffset(-1).build();
    }

    private record Pass(ReplicaFetchResponse response, List<LeaderPartition> leaders, long sizeBytes,
                        boolean mustAnswer) {

        boolean isComplete(int minBytes) {
            return mustAnswer || sizeBytes >= minBytes || leaders.isEmpty();
        }
    }

    /** Where the answer to one fetch goes: the response of a unary call, or the next message of a fetch stream. */
    private interface Answer {
        void send(ReplicaFetchResponse response);

        void fail(RuntimeException error);
    }

    private record UnaryAnswer(StreamObserver<ReplicaFetchResponse> observer) implements Answer {
        @Override
        public void send(ReplicaFetchResponse response) {
            observer.onNext(response);
            observer.onCompleted();
        }

        @Override
        public void fail(RuntimeException error) {
            observer.onError(io.grpc.Status.INTERNAL.withDescription(error.toString()).asRuntimeException());
        }
    }

    /**
     * One follower's {@code ReplicaFetchStream}: each request is served as a unary fetch would be, and its answer is
     * the next message. A request before the previous answer breaks the one-at-a-time contract and closes the stream
     * ({@code FAILED_PRECONDITION}); a cancelled stream drops the fetch waiting, if any.
     */
    private final class FetchStream implements StreamObserver<ReplicaFetchRequest>, Answer {
        private final ServerCallStreamObserver<ReplicaFetchResponse> responses;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        private volatile Waiting waiting;
        /** Guarded by this: the stream was closed, or the follower half-closed it. */
        private boolean closed;
        private boolean halfClosed;

        FetchStream(ServerCallStreamObserver<ReplicaFetchResponse> responses) {
            this.responses = responses;
            responses.setOnCancelHandler(this::dropWaiting);
        }

        @Override
        public void onNext(ReplicaFetchRequest request) {
            if (!inFlight.compareAndSet(false, true)) {
                close(io.grpc.Status.FAILED_PRECONDITION.withDescription("replica " + request.getReplicaId()
                        + " sent a fetch before the previous one was answered: a fetch stream takes one at a time"));
                return;
            }
            if (readsStore(request)) {
                Context.current().fixedContextExecutor(storeReads).execute(() -> serveNext(request));
            } else {
                serveNext(request);
            }
        }

        private void serveNext(ReplicaFetchRequest request) {
            try {
                waiting = serve(request, this);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public void send(ReplicaFetchResponse response) {
            waiting = null;
            // Free before sending: the follower's next request may arrive as soon as this answer does.
            inFlight.set(false);
            synchronized (this) {
                if (!closed) {
                    responses.onNext(response);
                    if (halfClosed) {
                        closed = true;
                        responses.onCompleted();
                    }
                }
            }
        }

        @Override
        public void fail(RuntimeException error) {
            close(io.grpc.Status.INTERNAL.withDescription(error.toString()));
        }

        @Override
        public void onError(Throwable error) {
            dropWaiting();
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                halfClosed = true;
                if (!inFlight.get() && !closed) {
                    closed = true;
                    responses.onCompleted();
                }
            }
        }

        private void close(io.grpc.Status status) {
            dropWaiting();
            synchronized (this) {
                if (!closed) {
                    closed = true;
                    responses.onError(status.asRuntimeException());
                }
            }
        }

        private void dropWaiting() {
            Waiting current = waiting;
            if (current != null) {
                current.cancel();
            }
        }
    }

    /** A fetch waiting for data; completes at most once, then unregisters its wake-ups. */
    private final class Waiting implements Runnable {
        private final ReplicaFetchRequest request;
        private final Answer answer;
        private final Pass first;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean rereadPending = new AtomicBoolean();
        private volatile ScheduledFuture<?> timeout;

        Waiting(ReplicaFetchRequest request, Answer answer, Pass first) {
            this.request = request;
            this.answer = answer;
            this.first = first;
        }

        /** The call or stream was cancelled: nothing is sent. */
        void cancel() {
            finish(null);
        }

        void start() {
            first.leaders().forEach(leader -> leader.addWakeup(this));
            timeout = scheduler.schedule(this::expire, request.getMaxWaitMs(), TimeUnit.MILLISECONDS);
            // An append, or the end of a leadership, may have come between the first read and the registration;
            // without either (the usual case) there is nothing to re-read, and no thread hand-off.
            if (hasDataBeyond(request) || first.leaders().stream().anyMatch(LeaderPartition::isClosed)) {
                run();
            }
        }

        /**
         * A wake-up: one re-read, coalescing bursts. Batches still in memory are read right here on the appending
         * thread, which costs less than waking another; a read of the store goes to the store-read executor, since
         * it would hold the producer's next append (and an {@code acks=1} answer) for the followers' reads.
         */
        @Override
        public void run() {
            if (!done.get() && rereadPending.compareAndSet(false, true)) {
                if (!readsStore(request)) {
                    reread();
                    return;
                }
                try {
                    storeReads.execute(this::reread);
                } catch (RejectedExecutionException e) {
                    fail(e);  // shutting down: end the follower's wait now, off the appending thread
                }
            }
        }

        private void reread() {
            rereadPending.set(false);
            if (done.get()) {
                return;
            }
            try {
                Pass pass = read(request);
                if (pass.isComplete(request.getMinBytes())) {
                    finish(pass.response());
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void expire() {
            if (done.get()) {
                return;
            }
            try {
                finish(read(request).response());
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(RuntimeException error) {
            if (done.compareAndSet(false, true)) {
                cleanUp();
                answer.fail(error);
            }
        }

        /** Sends {@code response} (null when the call was cancelled) unless already done. */
        private void finish(ReplicaFetchResponse response) {
            if (done.compareAndSet(false, true)) {
                cleanUp();
                if (response != null) {
                    answer.send(response);
                }
            }
        }

        private void cleanUp() {
            first.leaders().forEach(leader -> leader.removeWakeup(this));
            ScheduledFuture<?> scheduled = timeout;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }
    }
}
