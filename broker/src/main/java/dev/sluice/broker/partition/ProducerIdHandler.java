package dev.sluice.broker.partition;

import dev.sluice.controller.ProducerIdsReply;
import dev.sluice.proto.v1.ErrorCode;
import dev.sluice.proto.v1.InitProducerIdRequest;
import dev.sluice.proto.v1.InitProducerIdResponse;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code InitProducerId}: hands out producer ids from a block this broker got from the controller
 * (Kafka's {@code ProducerIdManager}). Ids are unique in the cluster because the controller commits every block
 * in the metadata log before handing it out; ids of a block this broker never used are simply skipped after a
 * restart. The epoch is always 0: without transactions a producer never needs a second epoch for its id.
 *
 * <p>Threads: any; the block is guarded by this object's monitor, and at most one block request is outstanding
 * (callers arriving meanwhile wait for it).
 */
public final class ProducerIdHandler {

    private static final Logger log = LoggerFactory.getLogger(ProducerIdHandler.class);

    private final int brokerId;
    private final int blockSize;
    private final BiFunction<Integer, Integer, CompletableFuture<ProducerIdsReply>> allocator;
    /** Guarded by this: the next unused id of the current block, and the end of the block (exclusive). */
    private long nextId;
    private long blockEnd;
    private final Queue<CompletableFuture<InitProducerIdResponse>> waiting = new ArrayDeque<>();
    private boolean allocating;

    /**
     * @param allocator {@code (brokerId, count) -> block}, normally {@code ControllerChannel::allocateProducerIds}
     * @param blockSize ids asked for at once (Kafka: 1000)
     */
    public ProducerIdHandler(int brokerId, int blockSize,
                             BiFunction<Integer, Integer, CompletableFuture<ProducerIdsReply>> allocator) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be >= 1, was " + blockSize);
        }
        this.brokerId = brokerId;
        this.blockSize = blockSize;
        this.allocator = Objects.requireNonNull(allocator);
    }

    public CompletableFuture<InitProducerIdResponse> handle(InitProducerIdRequest request) {
        CompletableFuture<InitProducerIdResponse> response = new CompletableFuture<>();
        boolean startAllocation;
        synchronized (this) {
            if (nextId < blockEnd) {
                return CompletableFuture.completedFuture(success(nextId++));
            }
            waiting.add(response);
            startAllocation = !allocating;
            allocating = true;
        }
        if (startAllocation) {
            allocator.apply(brokerId, blockSize).whenComplete(this::handleAllocateResponse);
        }
        return response;
    }

    private void handleAllocateResponse(ProducerIdsReply reply, Throwable failure) {
        Queue<CompletableFuture<InitProducerIdResponse>> answered = new ArrayDeque<>();
        Queue<CompletableFuture<InitProducerIdResponse>> failed = new ArrayDeque<>();
        InitProducerIdResponse error = null;
        synchronized (this) {
            allocating = false;
            if (failure == null && reply.error() == ErrorCode.NONE) {
                nextId = reply.firstProducerId();
                blockEnd = reply.firstProducerId() + reply.count();
                log.info("Got producer ids [{}, {}) from the controller", nextId, blockEnd);
            } else {
                error = InitProducerIdResponse.newBuilder()
                        .setError(failure == null ? reply.error() : ErrorCode.REQUEST_TIMED_OUT)
                        .setErrorMessage(failure == null ? reply.errorMessage()
                                : "could not reach the controller: " + failure.getMessage())
                        .setProducerId(-1).setProducerEpoch(-1).build();
            }
            long available = error == null ? blockEnd - nextId : 0;
            while (!waiting.isEmpty()) {
                if (answered.size() < available) {
                    answered.add(waiting.poll());
                } else {
                    failed.add(waiting.poll());
                }
            }
            for (CompletableFuture<InitProducerIdResponse> pending : answered) {
                pending.complete(success(nextId++));
            }
        }
        if (error == null && !failed.isEmpty()) {
            // More callers than ids in the block: they ask again (a new block) from scratch.
            failed.forEach(pending -> handle(InitProducerIdRequest.getDefaultInstance())
                    .whenComplete((r, t) -> pending.complete(r)));
            return;
        }
        InitProducerIdResponse refused = error;
        failed.forEach(pending -> pending.complete(refused));
    }

    private static InitProducerIdResponse success(long producerId) {
        return InitProducerIdResponse.newBuilder().setError(ErrorCode.NONE).setProducerId(producerId)
                .setProducerEpoch(0).build();
    }
}
