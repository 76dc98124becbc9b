package dev.sluice.raft.io;

import dev.sluice.fault.FaultHandler;
import dev.sluice.raft.Leader;
import dev.sluice.raft.NotLeaderException;
import dev.sluice.raft.Outbound;
import dev.sluice.raft.RaftConfig;
import dev.sluice.raft.RaftCore;
import dev.sluice.raft.RaftEffects;
import dev.sluice.raft.RaftMessage;
import dev.sluice.raft.Snapshot;
import dev.sluice.raft.StorageOperation;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O shell around one {@link RaftCore}. Its thread is the only one that touches the core and the storage;
 * other threads (gRPC, callers of append, transport callbacks) enqueue tasks. Each round runs every queued task,
 * then the due tick, and then applies the gathered effects in order: one synced storage write, then the messages,
 * then the notifications (handed to the {@link CommitDispatcher}). Batching rounds this way makes many concurrent
 * appends share one synced write. Times are milliseconds of the injected clock.
 */
final class RaftDriver {
    private static final Logger log = LoggerFactory.getLogger(RaftDriver.class);

    /** For tests and embedders without a node to stop: the failure is logged and the driver stops. */
    static final FaultHandler LOG_ONLY = (message, cause) -> log.error("{}; the Raft member stops", message, cause);

    /** Where the answer to one inbound request goes. Called on the driver thread. */
    interface Responder {
        void respond(RaftMessage.Response response);

        void fail(String reason);
    }

    private interface Task {
        void run(long nowMs);

        /** Called instead of {@link #run} when the driver stops first. */
        default void abandon() {
        }
    }

    private record PendingKey(int nodeId, Class<?> responseType) {
    }

    private final RaftConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final Transport transport;
    private final LogStorage storage;
    private final CommitDispatcher dispatcher;
    private final FaultHandler faultHandler;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final List<RaftEffects> round = new ArrayList<>();
    private final Map<PendingKey, ArrayDeque<Responder>> responders = new HashMap<>();
    private final TreeMap<Long, CompletableFuture<Long>> pendingAppends = new TreeMap<>();
    private final List<CompletableFuture<RaftMessage.Response>> closingSends = new ArrayList<>();
    private final Thread thread;
    private RaftCore core;
    private long nextDeadlineMs;
    private int appendsEpoch = -1;
    private boolean collectSends;
    private volatile boolean running;
    private volatile QuorumStatus status;

    RaftDriver(RaftConfig config, Clock clock, RandomGenerator random, Transport transport, LogStorage storage,
               CommitDispatcher dispatcher, FaultHandler faultHandler) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.transport = transport;
        this.storage = storage;
        this.dispatcher = dispatcher;
        this.faultHandler = faultHandler;
        this.thread = new Thread(this::runLoop, "sluice-raft-" + config.nodeId());
        this.status = QuorumStatus.initial(config.isVoter());
    }

    /** Recovers log and quorum state from storage and starts the driver thread. */
    void start() {
        long nowMs = clock.millis();
        core = new RaftCore(config, random, storage.readLog(), storage.readQuorumState(), nowMs);
        log.info("[node {}] recovered epoch {}, log [{}, {}), snapshot {}", config.nodeId(), core.epoch(),
            core.logStartOffset(), core.logEndOffset(), core.latestSnapshot());
        running = true;
        round.add(core.tick(nowMs));
        thread.setDaemon(true);
        thread.start();
    }

    QuorumStatus status() {
        return status;
    }

    CompletableFuture<Long> append(byte[] payload) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        boolean queued = enqueue(new Task() {
            @Override
            public void run(long nowMs) {
                appendOnThread(payload, result, nowMs);
            }

            @Override
            public void abandon() {
                result.completeExceptionally(new NotLeaderException(-1, status.epoch()));
            }
        });
        if (!queued) {
            result.completeExceptionally(new NotLeaderException(-1, status.epoch()));
        }
        return result;
    }

    /** Hands a snapshot the state machine made to the core, which stores it and truncates the log. */
    void submitSnapshot(Snapshot snapshot) {
        enqueue(nowMs -> round.add(core.handleSnapshotCreated(snapshot, nowMs)));
    }

    void submitRequest(RaftMessage.Request request, Responder responder) {
        boolean queued = enqueue(new Task() {
            @Override
            public void run(long nowMs) {
                responders.computeIfAbsent(new PendingKey(request.sourceId(), responseType(request)),
                    key -> new ArrayDeque<>()).add(responder);
                round.add(core.handle(request, nowMs));
            }

            @Override
            public void abandon() {
                responder.fail("Raft node " + config.nodeId() + " stopped");
            }
        });
        if (!queued) {
            responder.fail("Raft node " + config.nodeId() + " is not running");
        }
    }

    /**
     * Resigns leadership (voters hear EndQuorumEpoch), waits a little for those messages, then stops the thread.
     */
    void close(long gracePeriodMs) {
        CompletableFuture<Void> resigned = new CompletableFuture<>();
        if (enqueue(nowMs -> {
            round.add(core.resign(nowMs));
            collectSends = true;
            enqueue(later -> resigned.complete(null));
        })) {
            try {
                resigned.get(gracePeriodMs, TimeUnit.MILLISECONDS);
                CompletableFuture.allOf(closingSends.toArray(CompletableFuture[]::new))
                    .get(gracePeriodMs, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("[node {}] resignation not confirmed before close: {}", config.nodeId(), e.toString());
            }
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean enqueue(Task task) {
        if (!running) {
            return false;
        }
        queue.add(task);
        return true;
    }

    private void appendOnThread(byte[] payload, CompletableFuture<Long> result, long nowMs) {
        RaftCore.AppendResult appended = core.append(payload, nowMs);
        round.add(appended.effects());
        if (!appended.appended()) {
            result.completeExceptionally(new NotLeaderException(appended.leaderIdHint(), appended.epoch()));
            return;
        }
        appendsEpoch = appended.epoch();
        pendingAppends.put(appended.offset(), result);
    }

    private void runLoop() {
        try {
            applyRound(clock.millis());
            while (running) {
                long waitMs = Math.max(0, nextDeadlineMs - clock.millis());
                Task task = queue.poll(waitMs, TimeUnit.MILLISECONDS);
                long nowMs = clock.millis();
                for (; task != null; task = queue.poll()) {
                    task.run(nowMs);
                }
                if (nowMs >= nextDeadlineMs) {
                    round.add(core.tick(nowMs));
                }
                applyRound(nowMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!running) {
                log.debug("[node {}] Raft driver stopped while closing: {}", config.nodeId(), t.toString());
                return;
            }
            // A failed log or quorum-state write (a full disk) included: this member can no longer persist what it
            // votes on or acknowledges, so it must stop rather than carry on from state it did not store.
            faultHandler.handleFault("Raft driver of node " + config.nodeId() + " failed", t);
        } finally {
            running = false;
            shutDown();
        }
    }

    /** Applies the round's effects in the required order: durable writes, messages, notifications. */
    private void applyRound(long nowMs) {
        List<StorageOperation> writes = new ArrayList<>();
        round.forEach(effects -> writes.addAll(effects.writes()));
        storage.write(writes);
        for (RaftEffects effects : round) {
            effects.messages().forEach(this::deliver);
        }
        for (RaftEffects effects : round) {
            dispatcher.dispatch(effects.notifications(), pendingAppends);
        }
        if (!round.isEmpty()) {
            nextDeadlineMs = round.get(round.size() - 1).nextDeadlineMs();
        }
        round.clear();
        failAppendsUnlessLeader();
        status = QuorumStatus.of(core, nowMs);
    }

    private void deliver(Outbound outbound) {
        if (outbound.message() instanceof RaftMessage.Response response) {
            PendingKey key = new PendingKey(outbound.destinationId(), response.getClass());
            ArrayDeque<Responder> waiting = responders.get(key);
            Responder responder = waiting == null ? null : waiting.poll();
            if (responder != null) {
                responder.respond(response);
            }
            return;
        }
        RaftMessage.Request request = (RaftMessage.Request) outbound.message();
        int destinationId = outbound.destinationId();
        CompletableFuture<RaftMessage.Response> sent = transport.send(destinationId, request);
        if (collectSends) {
            closingSends.add(sent);
        }
        sent.whenComplete((response, failure) -> enqueue(nowMs -> round.add(failure == null
            ? core.handle(response, nowMs) : core.handleRequestFailure(destinationId, request, nowMs))));
    }

    /** Appends still waiting when leadership is lost fail; a later leader may still commit them. */
    private void failAppendsUnlessLeader() {
        if (pendingAppends.isEmpty() || core.role() instanceof Leader && core.epoch() == appendsEpoch) {
            return;
        }
        NotLeaderException notLeader = new NotLeaderException(core.leaderId(), core.epoch());
        pendingAppends.values().forEach(future -> future.completeExceptionally(notLeader));
        pendingAppends.clear();
    }

    private void shutDown() {
        NotLeaderException stopped = new NotLeaderException(-1, core.epoch());
        pendingAppends.values().forEach(future -> future.completeExceptionally(stopped));
        pendingAppends.clear();
        for (Task task = queue.poll(); task != null; task = queue.poll()) {
            task.abandon();
        }
        responders.values().forEach(waiting -> waiting.forEach(responder -> responder.fail("node stopping")));
        responders.clear();
    }

    private static Class<?> responseType(RaftMessage.Request request) {
        if (request instanceof RaftMessage.VoteRequest) {
            return RaftMessage.VoteResponse.class;
        } else if (request instanceof RaftMessage.BeginQuorumEpochRequest) {
            return RaftMessage.BeginQuorumEpochResponse.class;
        } else if (request instanceof RaftMessage.EndQuorumEpochRequest) {
            return RaftMessage.EndQuorumEpochResponse.class;
        } else if (request instanceof RaftMessage.FetchRequest) {
            return RaftMessage.FetchResponse.class;
        }
        return RaftMessage.FetchSnapshotResponse.class;
    }
}
